using System.Text.Json.Nodes;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;
using static Tensorless.Rl.Experiments.Lecture09.LectureExperiments;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>
/// exp07-09: short A2C runs on CartPole-v1 with the <c>lecture-a2c-cartpole</c> preset (the lecture's table: Adam
/// lr 3e-4, gamma 0.99, GAE 0.95, vf 0.5, ent 0.01, grad clip 0.5, the 128-128 ReLU shared trunk) and the
/// experiment's envs, rollout length and number of updates. Training is the library's <see cref="A2c"/>.
/// </summary>
internal static class A2cExperiments
{
    /// <summary>The lecture's A2C settings (its hyperparameter table and exp04's shared trunk).</summary>
    public const string LecturePreset = "lecture-a2c-cartpole";

    /// <summary>One update's numbers.</summary>
    public sealed record UpdateRow(int Update, long EnvSteps, double MeanReturn, double PolicyLoss, double ValueLoss, double Entropy, double Loss);

    /// <summary>Trains and returns one row per update.</summary>
    public static List<UpdateRow> Train(int numEnvs, int numSteps, int updates, double entCoef, ulong seed)
    {
        var preset = Presets.Get(LecturePreset);
        var options = preset.Options.With(o => o with { NumEnvs = numEnvs, NumSteps = numSteps, EntCoef = entCoef, Seed = seed, Threads = 1 });
        using var agent = AlgorithmRegistry.Get(preset.Algorithm).Create(Gym.MakeVector(preset.EnvId, numEnvs, seed), options);
        var recorder = new Recorder(options.OnPolicy.VfCoef, entCoef);
        agent.Learn((long)updates * numEnvs * numSteps, recorder);
        return recorder.Rows;
    }

    public static ExperimentReport RunExp07(ExperimentSettings settings)
    {
        int updates = settings.Budget ?? 30;
        var rows = Train(4, 32, updates, 0.01, settings.Seed);
        var finite = rows.Where(r => double.IsFinite(r.MeanReturn)).ToList();
        var lastFinite = finite.Count > 0 ? finite[^1].Update : 0;
        var lines = new List<string>
        {
            F($"4 envs x 32 steps, {updates} updates ({rows.LastOrDefault()?.EnvSteps ?? 0} env steps)"),
            F($"Mean return: {First(finite):F1} (first update with an episode) -> {Last(finite):F1} (update {lastFinite})   (lecture: 20.5 at update 1 -> 22.8 at update 30)"),
            F($"Loss range: {rows.Min(r => r.Loss):F2} .. {rows.Max(r => r.Loss):F2}   (lecture: oscillates between 18 and 42)"),
        };
        return new ExperimentReport("exp07", "Vectorized A2C", lines, Json(rows, 4, 32, 0.01), Curves("Vectorized A2C (4 envs x 32 steps)", rows));
    }

    public static ExperimentReport RunExp08(ExperimentSettings settings)
    {
        int updates = settings.Budget ?? 20;
        double[] betas = [0.0, 1e-3, 5e-3, 1e-2];
        string[] lecture = ["19.0", "19.1", "22.4", "24.4"];
        var lines = new List<string> { F($"4 envs x 16 steps, {updates} updates per beta, same seed") };
        var json = new JsonObject();
        var series = new List<(string, IReadOnlyList<(double X, double Y)>)>();
        for (int i = 0; i < betas.Length; i++)
        {
            var rows = Train(4, 16, updates, betas[i], settings.Seed);
            lines.Add(F($"  beta = {betas[i],-6} final mean return {Last([.. rows.Where(r => double.IsFinite(r.MeanReturn))]),6:F1}  final entropy {rows[^1].Entropy:F6}   (lecture: {lecture[i]})"));
            json[F($"{betas[i]}")] = Json(rows, 4, 16, betas[i]);
            series.Add((F($"beta={betas[i]}"), [.. rows.Select(r => ((double)r.Update, r.MeanReturn))]));
        }

        return new ExperimentReport("exp08", "Entropy regularization analysis", lines, json,
            LineChartSvg.Write("Entropy coefficient sweep", "update", "mean episode return", series));
    }

    public static ExperimentReport RunExp09(ExperimentSettings settings)
    {
        int updates = settings.Budget ?? 40;
        var rows = Train(8, 32, updates, 0.01, settings.Seed);
        double final = Last(rows.Where(r => double.IsFinite(r.MeanReturn)).ToList()), best = rows.Select(r => r.MeanReturn).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        var json = Json(rows, 8, 32, 0.01);
        json["final_return"] = double.IsFinite(final) ? final : null;
        json["best_return"] = double.IsFinite(best) ? best : null;
        var lines = new List<string>
        {
            F($"8 envs x 32 steps, {updates} updates ({rows.LastOrDefault()?.EnvSteps ?? 0} env steps)"),
            F($"Final mean return {final:F1}, best {best:F1}   (lecture: final 13.2, best 15.9; 'stayed in the 13-15 range')"),
        };
        return new ExperimentReport("exp09", "Complete A2C integration", lines, json, Curves("Integrated A2C (8 envs x 32 steps)", rows));
    }

    private static double First(List<UpdateRow> rows) => rows.Count > 0 ? rows[0].MeanReturn : double.NaN;

    private static double Last(List<UpdateRow> rows) => rows.Count > 0 ? rows[^1].MeanReturn : double.NaN;

    private static JsonObject Json(List<UpdateRow> rows, int numEnvs, int numSteps, double entCoef) => new()
    {
        ["preset"] = "lecture-a2c-cartpole",
        ["num_envs"] = numEnvs,
        ["num_steps"] = numSteps,
        ["ent_coef"] = entCoef,
        ["updates"] = rows.Count,
        ["env_steps"] = Array(rows.Select(r => (double)r.EnvSteps)),
        ["mean_return"] = Array(rows.Select(r => r.MeanReturn)),
        ["policy_loss"] = Array(rows.Select(r => r.PolicyLoss)),
        ["value_loss"] = Array(rows.Select(r => r.ValueLoss)),
        ["entropy"] = Array(rows.Select(r => r.Entropy)),
        ["loss"] = Array(rows.Select(r => r.Loss)),
    };

    private static string Curves(string title, List<UpdateRow> rows) => LineChartSvg.Write(title, "update", "return / loss",
    [
        ("mean return", [.. rows.Select(r => ((double)r.Update, r.MeanReturn))]),
        ("loss", [.. rows.Select(r => ((double)r.Update, r.Loss))]),
    ]);

    /// <summary>Collects each update's losses and the mean return of the episodes that finished in its rollout
    /// (NaN when none did): a 100-episode window would hide the differences of runs this short.</summary>
    private sealed class Recorder(double vfCoef, double entCoef) : ITrainingCallback
    {
        private long _episodesBefore;

        public List<UpdateRow> Rows { get; } = [];

        public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
        {
            double Get(string name) => metrics.TryGet(name, out var v) ? v.Double : double.NaN;
            double policy = Get(MetricNames.PolicyLoss), value = Get(MetricNames.ValueLoss), entropy = Get(MetricNames.Entropy);
            // The lecture's combined loss: policy_loss + 0.5 * value_loss - 0.01 * entropy.
            double loss = policy + (vfCoef * value) - (entCoef * entropy);
            int finished = (int)Math.Min(progress.Episodes.EpisodeCount - _episodesBefore, progress.Episodes.Window);
            _episodesBefore = progress.Episodes.EpisodeCount;
            double meanReturn = finished > 0 ? progress.Episodes.MeanReturnOfLast(finished) : double.NaN;
            Rows.Add(new UpdateRow(progress.Updates, progress.EnvSteps, meanReturn, policy, value, entropy, loss));
            return true;
        }
    }
}
