using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// TRPO's and NPG's step where everything has a closed form, and the line search on constructed objectives.
/// The policy is a two-armed bandit's: the observation is always 0, so of the linear actor's parameters only the two
/// logit biases act, and through their difference theta alone (one effective parameter). At p = (1/2, 1/2) the Fisher
/// on the biases is <c>(1/4) [[1, -1], [-1, 1]]</c>, the surrogate's gradient is <c>gamma (1, -1)</c> with
/// <c>gamma = mean_t A_t ([a_t = 0] - 1/2)</c>, so the natural step (no damping) moves theta by
/// <c>Delta = 2 sqrt(2 delta) sign(gamma)</c>, and the true KL of the step is <c>log cosh(Delta / 2) &lt;= Delta^2 / 8 = delta</c>.
/// </summary>
public class TrpoStepTests
{
    private const double Delta = 0.01;

    [Fact]
    public void TrpoStep_OneParameterBandit_MatchesClosedFormNaturalStepAndKl()
    {
        using var trpo = new Trpo(BanditEnv(), new TrpoOptions { OnPolicy = BanditOptions, MinibatchSize = 64, CgDamping = 0, TargetKl = Delta });
        var (before, gamma) = Collect(trpo);
        var metrics = MetricsRecord.CreateStandard();
        trpo.Update(1.0, metrics);
        AssertClosedFormStep(trpo, before, gamma);
        double expectedDelta = 2 * Math.Sqrt(2 * Delta) * Math.Sign(gamma);
        Assert.Equal(1.0, metrics["line_search_success"].AsDouble());
        Assert.Equal(Math.Log(Math.Cosh(expectedDelta / 2)), metrics["kl"].AsDouble(), 1e-12);
    }

    [Fact]
    public void NpgStep_OneParameterBandit_MatchesClosedFormNaturalStep()
    {
        using var npg = new Npg(BanditEnv(), new NpgOptions { OnPolicy = BanditOptions, MinibatchSize = 64, CgDamping = 0, TargetKl = Delta });
        var (before, gamma) = Collect(npg);
        npg.Update(1.0, MetricsRecord.CreateStandard());
        AssertClosedFormStep(npg, before, gamma);
    }

    [Fact]
    public void LineSearch_StepOutsideTrustRegion_BacktracksToTheFirstStepInside()
    {
        // KL(c) = 4 delta c^2: c = 1, 0.8, 0.64, 0.512 violate it, 0.8^4 = 0.4096 is the first inside
        var candidate = new Quadratic(klAtFullStep: 4 * Delta, surrogateSlope: 1.0);
        var result = BacktrackingLineSearch.Search(candidate, surrogateBefore: 0.0, maxKl: Delta, shrinkingFactor: 0.8, maxIterations: 10);
        Assert.True(result.Accepted);
        Assert.Equal(5, result.Iterations);
        Assert.Equal(Math.Pow(0.8, 4), result.Coefficient, 1e-15);
        Assert.True(result.Kl <= Delta);
        Assert.Equal([1.0, 0.8, 0.64, 0.512, 0.4096], candidate.Tried.Select(c => Math.Round(c, 12)));
        Assert.False(candidate.Restored);
    }

    [Fact]
    public void LineSearch_EveryStepViolatesTheConstraint_RestoresTheOldPolicy()
    {
        var candidate = new Quadratic(klAtFullStep: 1000 * Delta, surrogateSlope: 1.0);
        var result = BacktrackingLineSearch.Search(candidate, 0.0, Delta, 0.8, maxIterations: 10);
        Assert.False(result.Accepted);
        Assert.Equal(0.0, result.Coefficient);
        Assert.Equal(10, candidate.Tried.Count);
        Assert.True(candidate.Restored);
    }

    [Fact]
    public void LineSearch_SurrogateNeverImproves_RestoresTheOldPolicy()
    {
        var candidate = new Quadratic(klAtFullStep: Delta / 2, surrogateSlope: -1.0);
        var result = BacktrackingLineSearch.Search(candidate, 0.0, Delta, 0.5, maxIterations: 3);
        Assert.False(result.Accepted);
        Assert.True(candidate.Restored);
    }

    private static OnPolicyOptions BanditOptions => TrpoOptions.Defaults with
    {
        NumSteps = 64,
        Seed = 3,
        Policy = new PolicyOptions { ActorHiddenSizes = [], CriticHiddenSizes = [4] },
    };

    private static SyncVectorEnv BanditEnv() => new([new Bandit()], seed: 3);

    /// <summary>Collects a rollout; returns theta = b0 - b1 and gamma from the buffer's (normalised) advantages.</summary>
    private static (double Theta, double Gamma) Collect(IOnPolicyAlgorithm agent)
    {
        agent.Learner.CollectRollout();
        var bias = agent.Policy.ActorParameters["actor.0.bias"].Data;
        var buffer = agent.Learner.Buffer;
        var a = buffer.Advantages.ToArray();
        double mean = a.Average();
        double std = Math.Sqrt(a.Sum(x => (x - mean) * (x - mean)) / (a.Length - 1));
        double gamma = 0;
        for (int t = 0; t < a.Length; t++)
        {
            gamma += (a[t] - mean) / (std + 1e-8) * ((buffer.Actions[t] == 0 ? 1 : 0) - 0.5);
        }

        return (bias[0] - bias[1], gamma / a.Length);
    }

    private static void AssertClosedFormStep(IOnPolicyAlgorithm agent, double thetaBefore, double gamma)
    {
        Assert.Equal(0.0, thetaBefore);
        Assert.NotEqual(0.0, gamma);
        var bias = agent.Policy.ActorParameters["actor.0.bias"].Data;
        double expected = 2 * Math.Sqrt(2 * Delta) * Math.Sign(gamma);
        Assert.Equal(expected, bias[0] - bias[1], 1e-12);
        Assert.Equal(0.0, bias[0] + bias[1], 1e-12);
    }

    /// <summary>A candidate with KL(c) = klAtFullStep c^2 and L(c) = surrogateSlope c, recording what was tried.</summary>
    private sealed class Quadratic(double klAtFullStep, double surrogateSlope) : ITrustRegionCandidate
    {
        public List<double> Tried { get; } = [];

        public bool Restored { get; private set; }

        public (double Surrogate, double Kl) TryStep(double coefficient)
        {
            Tried.Add(coefficient);
            return (surrogateSlope * coefficient, klAtFullStep * coefficient * coefficient);
        }

        public void Restore() => Restored = true;
    }

    /// <summary>A one-step two-armed bandit: arm 0 pays 1, arm 1 pays 0; the observation is always 0.</summary>
    private sealed class Bandit : IEnv
    {
        public string Id => "Bandit-v0";

        public Space ObservationSpace { get; } = new Box([-1.0], [1.0], [1]);

        public Space ActionSpace { get; } = new Discrete(2);

        public int? MaxEpisodeSteps => null;

        public void Reset(Span<double> observation, ulong? seed = null) => observation[0] = 0;

        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            observation[0] = 0;
            return new StepResult(action[0] == 0 ? 1.0 : 0.0, true, false);
        }
    }
}
