using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Tests.Policies;

public class PolicyTests
{
    [Theory]
    [InlineData("CartPole-v1", false)]
    [InlineData("CartPole-v1", true)]
    [InlineData("Pendulum-v1", false)]
    public void Act_LogProbsAndValues_MatchEvaluateOnTheTape(string envId, bool shared)
    {
        var spec = Gym.Spec(envId);
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions { SharedTrunk = shared }, new Xoshiro256(1));
        const int n = 7;
        var rng = new Xoshiro256(2);
        var obs = new double[n * policy.ObservationSize];
        rng.FillUniform(obs, -1, 1);
        var actions = new double[n * policy.ActionSize];
        var values = new double[n];
        var logProbs = new double[n];
        policy.Act(new Tape(recording: false), obs, n, rng, deterministic: false, actions, values, logProbs);

        var tape = new Tape();
        var eval = policy.Evaluate(tape, Tensor.FromValues(n, policy.ObservationSize, obs), Tensor.FromValues(n, policy.ActionSize, actions));
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(logProbs[i], eval.LogProb.Data[i], 1e-12);
            Assert.Equal(values[i], eval.Value!.Data[i], 1e-12);
        }
    }

    [Theory]
    [InlineData("CartPole-v1", false)]
    [InlineData("CartPole-v1", true)]
    [InlineData("Pendulum-v1", false)]
    public void Act_InsideWeightSnapshot_SameBitsAsWithout(string envId, bool shared)
    {
        var spec = Gym.Spec(envId);
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions { SharedTrunk = shared }, new Xoshiro256(8));
        const int n = 13;
        var obs = new double[n * policy.ObservationSize];
        new Xoshiro256(9).FillUniform(obs, -1, 1);

        (double[] Actions, double[] Values, double[] LogProbs) Run()
        {
            var actions = new double[n * policy.ActionSize];
            var values = new double[n];
            var logProbs = new double[n];
            policy.Act(new Tape(recording: false), obs, n, new Xoshiro256(10), deterministic: false, actions, values, logProbs);
            return (actions, values, logProbs);
        }

        var plain = Run();
        (double[] Actions, double[] Values, double[] LogProbs) snapped;
        using (policy.SnapshotWeights())
        {
            snapped = Run();
        }

        Assert.Equal(plain.Actions, snapped.Actions);
        Assert.Equal(plain.Values, snapped.Values);
        Assert.Equal(plain.LogProbs, snapped.LogProbs);

        // after the scope, changed weights are seen again
        foreach (var p in policy.Parameters)
        {
            p.Data.Fill(0.01);
        }

        Assert.NotEqual(plain.Values, Run().Values);
    }

    [Fact]
    public void Act_Deterministic_IsArgmaxOfLogits()
    {
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions { OrthogonalInit = false }, new Xoshiro256(4));
        var obs = new double[] { 0.1, -0.3, 0.05, 0.4 };
        var action = new double[1];
        policy.Act(new Tape(recording: false), obs, 1, new Xoshiro256(1), deterministic: true, action, new double[1], new double[1]);
        var tape = new Tape();
        var e0 = policy.Evaluate(tape, Tensor.FromValues(1, 4, obs), Tensor.FromValues(1, 1, [0.0])).LogProb.Data[0];
        var e1 = policy.Evaluate(tape, Tensor.FromValues(1, 4, obs), Tensor.FromValues(1, 1, [1.0])).LogProb.Data[0];
        Assert.Equal(e1 > e0 ? 1.0 : 0.0, action[0]);
    }

    [Fact]
    public void Parameters_HaveDottedCheckpointNames()
    {
        var spec = Gym.Spec("Pendulum-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(1));
        var names = policy.Parameters.Select(p => p.Name).ToArray();
        Assert.Contains("actor.0.weight", names);
        Assert.Contains("critic.2.bias", names);
        Assert.Contains("log_std", names);
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    [Fact]
    public void Act_WrongObservationLength_NamesIt()
    {
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(1));
        var ex = Assert.Throws<ArgumentException>(() =>
            policy.Act(new Tape(recording: false), new double[5], 1, new Xoshiro256(1), false, new double[1], new double[1], new double[1]));
        Assert.Contains("observations", ex.Message);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void OrthogonalInit_EveryHiddenLayer_HasGainSqrt2_HeadsTheirOwn(bool sharedTrunk)
    {
        // SB3 and CleanRL: orthogonal gain sqrt(2) for every hidden layer (a shared trunk's last included), 0.01 for the
        // policy head, 1 for the value head. Square 64 x 64 layers are scaled orthogonal: every row has squared norm gain^2
        var spec = Tensorless.Envs.Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace,
            new PolicyOptions { SharedTrunk = sharedTrunk, HiddenSizes = [64, 64] }, new Xoshiro256(5));
        var layers = policy.ActorLayers;
        Assert.Equal(3, layers.Count);
        var hidden = layers[1].Weight.Data;
        Assert.Equal(64 * 64, hidden.Length);
        for (int row = 0; row < 64; row++)
        {
            double squaredNorm = 0;
            foreach (double w in hidden.Slice(row * 64, 64))
            {
                squaredNorm += w * w;
            }

            Assert.Equal(2.0, squaredNorm, 1e-9);
        }

        // the policy head (2 x 64, rows orthonormal times the gain) keeps its 0.01
        var head = layers[2].Weight.Data;
        double headRow = 0;
        foreach (double w in head[..64])
        {
            headRow += w * w;
        }

        Assert.Equal(1e-4, headRow, 1e-12);
    }
}
