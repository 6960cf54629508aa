using System.Text.Json;
using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;
using Tensorless.Tests;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>REINFORCE: options, the returns and loss by hand, determinism, exact resume, a CartPole solve, a run folder, no allocation.</summary>
public sealed class ReinforceTests
{
    private static ReinforceOptions Small(bool baseline = true, bool rewardToGo = true, int trainValueIterations = 0) => new()
    {
        Baseline = baseline,
        RewardToGo = rewardToGo,
        OnPolicy = ReinforceOptions.Defaults with
        {
            NumSteps = 64,
            Seed = 5,
            EntCoef = 0.01,
            TrainValueIterations = trainValueIterations,
            ValueLearningRate = trainValueIterations > 0 ? 1e-3 : null,
            Policy = SmallPolicy,
        },
    };

    private static Reinforce Make(ReinforceOptions options, int numEnvs = 2, ulong envSeed = 3) =>
        new(Gym.MakeVector("CartPole-v1", numEnvs, envSeed), options);

    [Theory]
    [InlineData("estimator", "AdvantageEstimator")]
    [InlineData("value-iterations", "TrainValueIterations")]
    [InlineData("value-lr", "ValueLearningRate")]
    [InlineData("steps", "NumSteps")]
    [InlineData("gamma", "Gamma")]
    public void Validate_BadOption_ThrowsNamingIt(string which, string name)
    {
        var good = new ReinforceOptions();
        var bad = which switch
        {
            "estimator" => good.With(o => o with { AdvantageEstimator = AdvantageEstimator.Gae }),
            "value-iterations" => good with { Baseline = false, OnPolicy = good.OnPolicy with { TrainValueIterations = 5 } },
            "value-lr" => good with { Baseline = false, OnPolicy = good.OnPolicy with { ValueLearningRate = 1e-3 } },
            "steps" => good.With(o => o with { NumSteps = 0 }),
            _ => good.With(o => o with { Gamma = 1.5 }),
        };
        var e = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name, e.Message);
        Assert.Throws<ArgumentException>(() => new Reinforce(Gym.MakeVector("CartPole-v1", 2, 1), bad));
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        new ReinforceOptions().Validate();
        new ReinforceOptions { Baseline = false, RewardToGo = false }.Validate();
    }

    // The hand-worked rollout: 2 envs x 4 steps, gamma 1/2, rewards 1 (env 0) and 2 (env 1) every step, V = 1 at
    // every state, V(s_T) = (4, 8). Env 0 terminates at t = 1 and is in a new, unfinished episode at t = 2..3; env 1 is
    // truncated at t = 2 with V(final obs) = 10 and starts an unfinished episode at t = 3. Rows are time-major (t * 2 + e).
    private static Reinforce HandWorked(bool baseline, bool rewardToGo)
    {
        var agent = Make(new ReinforceOptions
        {
            Baseline = baseline,
            RewardToGo = rewardToGo,
            OnPolicy = ReinforceOptions.Defaults with { NumSteps = 4, Gamma = 0.5, NormalizeAdvantage = false, Seed = 2, Policy = SmallPolicy },
        });
        agent.Learner.CollectRollout();
        var b = agent.Learner.Buffer;
        for (int i = 0; i < 8; i++)
        {
            b.Rewards[i] = i % 2 == 0 ? 1 : 2;
            b.Values[i] = 1;
            b.Terminated[i] = false;
            b.Truncated[i] = false;
        }

        b.Terminated[1 * 2 + 0] = true;
        b.Truncated[2 * 2 + 1] = true;
        b.TruncationValues[2 * 2 + 1] = 10;
        b.LastValues[0] = 4;
        b.LastValues[1] = 8;
        b.ComputeAdvantages(AdvantageEstimator.MonteCarlo, 0.5);
        return agent;
    }

    [Fact]
    public void Returns_NoBaselineRewardToGo_HandWorked()
    {
        using var agent = HandWorked(baseline: false, rewardToGo: true);
        // G with no bootstraps: env 0 G_1 = 1, G_0 = 1 + 1/2 = 1.5; env 1 (the time limit ends it, nothing to bootstrap
        // from) G_2 = 2, G_1 = 2 + 1 = 3, G_0 = 2 + 1.5 = 3.5. The unfinished tails (env 0 t = 2, 3; env 1 t = 3) get
        // weight 0; M = 5 used rows of N = 8, so each used weight is G * 8/5.
        Assert.Equal(5, agent.PrepareWeights());
        AssertClose([2.4, 5.6, 1.6, 4.8, 0, 3.2, 0, 0], agent.Weights);
        AssertPolicyLoss(agent);
    }

    [Fact]
    public void Returns_BaselineRewardToGo_HandWorked()
    {
        using var agent = HandWorked(baseline: true, rewardToGo: true);
        // bootstraps: env 0 G_3 = 1 + 4/2 = 3, G_2 = 1 + 3/2 = 2.5, G_1 = 1 (terminated), G_0 = 1.5;
        // env 1 G_3 = 2 + 8/2 = 6, G_2 = 2 + 10/2 = 7 (truncated: V(final obs)), G_1 = 2 + 3.5 = 5.5, G_0 = 2 + 2.75 = 4.75.
        // A = G - V = G - 1, every row used.
        Assert.Equal(8, agent.PrepareWeights());
        AssertClose([0.5, 3.75, 0, 4.5, 1.5, 6, 2, 5], agent.Weights);
        AssertPolicyLoss(agent);
    }

    [Fact]
    public void Returns_NoBaselineWholeEpisode_HandWorkedAndCarriedIntoTheNextRollout()
    {
        using var agent = HandWorked(baseline: false, rewardToGo: false);
        // Williams: every step of an episode gets its whole return R = G_0 of the episode: env 0 1.5, env 1 3.5, x 8/5.
        Assert.Equal(5, agent.PrepareWeights());
        AssertClose([2.4, 5.6, 2.4, 5.6, 0, 5.6, 0, 0], agent.Weights);
        // carried: env 0's running episode collected 1 + 1/2 (discount now 1/4), env 1's 2 (discount 1/2)
        AssertClose([1.5, 2], agent.CarryReturn);
        // the same rollout again continues those episodes: env 0 R = 1.5 + 1.5/4 = 1.875, env 1 R = 2 + 3.5/2 = 3.75
        agent.PrepareWeights();
        AssertClose([3.0, 6.0, 3.0, 6.0, 0, 6.0, 0, 0], agent.Weights);
    }

    // L_pg = -mean_t(w_t log pi(a_t|s_t)) with the log-probs the rollout recorded (the parameters have not moved yet)
    private static void AssertPolicyLoss(Reinforce agent)
    {
        var b = agent.Learner.Buffer;
        double expected = 0;
        var w = agent.Weights.ToArray();
        for (int i = 0; i < w.Length; i++)
        {
            expected -= w[i] * b.LogProbs[i] / w.Length;
        }

        var metrics = MetricsRecord.CreateStandard();
        agent.Update(1.0, metrics);
        Assert.True(metrics.TryGet(MetricNames.PolicyLoss, out var loss));
        Assert.Equal(expected, loss.AsDouble(), 1e-12);
    }

    private static void AssertClose(double[] expected, ReadOnlySpan<double> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-12, $"[{i}]: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Theory]
    [InlineData(true, true, 0)]
    [InlineData(false, false, 0)]
    [InlineData(true, false, 3)]
    public void Learn_SameSeedTwice_BitIdenticalParameters(bool baseline, bool rewardToGo, int valueIterations)
    {
        double[] Train()
        {
            using var agent = Make(Small(baseline, rewardToGo, valueIterations));
            agent.Learn(640);
            return DeterminismTests.Flatten(agent.Policy.Parameters);
        }

        var a = Train();
        Assert.Equal(a, Train());
        using var other = Make(Small(baseline, rewardToGo, valueIterations).With(o => o with { Seed = 6 }));
        other.Learn(640);
        Assert.NotEqual(a, DeterminismTests.Flatten(other.Policy.Parameters));
    }

    // Whole-episode returns without a baseline carry running episodes across the save; the separate value fit has a
    // second optimizer. 2 envs x 64 steps, saved after 3 rollouts, trained to 7.
    [Theory]
    [InlineData(false, false, 0)]
    [InlineData(true, true, 3)]
    public void Resume_ThenTrainMore_MatchesUninterruptedRunBitForBit(bool baseline, bool rewardToGo, int valueIterations)
    {
        string dir = TempDirectory();
        try
        {
            var options = Small(baseline, rewardToGo, valueIterations);
            using var straight = Make(options);
            straight.Learn(7 * 128);
            using (var first = Make(options))
            {
                first.Learn(3 * 128);
                Checkpoint.Save(first, dir);
            }

            using var resumed = Assert.IsType<Reinforce>(Checkpoint.Resume(dir));
            resumed.Learn(7 * 128);
            AssertSameParameters(straight, resumed);
            Assert.Equal(straight.CarryReturn.ToArray(), resumed.CarryReturn.ToArray());
            string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b");
            Checkpoint.Save(straight, a);
            Checkpoint.Save(resumed, b);
            AssertSameTensors(Safetensors.Load(Path.Combine(a, Checkpoint.ModelFileName)), Safetensors.Load(Path.Combine(b, Checkpoint.ModelFileName)));
        }
        finally
        {
            Dispose(dir);
        }
    }

    // reinforce-cartpole (with the baseline), 1 thread as the preset says: measured to solve seeds 1-3 in
    // 96k-128k steps on the development machine (1 thread); the budget leaves over 2x headroom. Under 1 s per seed.
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void CartPolePreset_ThreeSeeds_SolvesAndEvaluatesAtLeast475(ulong seed)
    {
        const long budget = 300_000;
        var preset = Presets.Get("reinforce-cartpole");
        var env = Gym.MakeVector(preset.EnvId, preset.NumEnvs, seed);
        using var agent = new Reinforce(env, ((ReinforceOptions)preset.Options).With(o => o with { Seed = seed }));
        var progress = agent.Learn(budget, new StopOnReward(475));
        Assert.True(progress.SolvedAtEnvSteps is not null,
            $"seed {seed}: not solved within {budget} steps; mean of the last 100 episodes {progress.MeanReturn:F1}");
        var eval = Evaluator.Evaluate(agent, new EvaluationOptions { Episodes = 100, Deterministic = true, Seed = 10_000 + seed });
        Assert.True(eval.MeanReturn >= 475, $"seed {seed}: deterministic evaluation mean {eval.MeanReturn:F1} over 100 episodes");
    }

    [Fact]
    public void TrainingRun_Reinforce_WritesARunFolderThatResumes()
    {
        string dir = TempDirectory();
        try
        {
            var result = TrainingRun.Run(new RunRequest
            {
                Algorithm = "reinforce", Seed = 4, Threads = 1, TotalSteps = 1_600, EvalEpisodes = 2, OutputDirectory = dir,
                Overrides = ["n_steps=100", "reward_to_go=false"],
            });
            Assert.Equal(RunStatus.BudgetExhausted, result.Status);
            Assert.Equal(1_600, result.Progress.EnvSteps);
            foreach (string file in new[] { "summary.json", "metrics.csv", "metrics.jsonl", "model.safetensors", "config.json", "curve.svg" })
            {
                Assert.True(File.Exists(Path.Combine(dir, file)), file);
            }

            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
            Assert.Equal("reinforce", summary.RootElement.GetProperty("algo").GetString());
            Assert.Equal("reinforce-cartpole", summary.RootElement.GetProperty("preset").GetString());
            using var resumed = Assert.IsType<Reinforce>(Checkpoint.Resume(dir));
            Assert.False(resumed.Options.RewardToGo);
            Assert.Equal(100, resumed.Options.OnPolicy.NumSteps);
        }
        finally
        {
            Dispose(dir);
        }
    }

    // with 2 threads the worker's allocations are not counted (see SteadyStateAllocationTests); 1 thread covers all
    [Theory]
    [InlineData(1, true, true, 0)]
    [InlineData(2, true, true, 0)]
    [InlineData(1, false, false, 0)]
    [InlineData(1, true, false, 3)]
    public void Update_Steady_AllocatesNothing(int threads, bool baseline, bool rewardToGo, int valueIterations)
    {
        using var agent = Make(Small(baseline, rewardToGo, valueIterations).With(o => o with { Threads = threads, NumSteps = 75 }), numEnvs: 4);
        agent.Learner.CollectRollout();
        var metrics = MetricsRecord.CreateStandard();
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => agent.Update(0.5, metrics), warmupSteps: 5, windowSteps: 5));
    }
}
