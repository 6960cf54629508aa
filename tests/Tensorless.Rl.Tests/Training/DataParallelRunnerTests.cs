using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Tests.Algorithms;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Training;

public class DataParallelRunnerTests
{
    [Theory]
    [InlineData(1, 512)]
    [InlineData(1, 37)]
    [InlineData(2, 512)]
    [InlineData(2, 50)]
    public void Run_AnyChunkingAndThreads_GradientMatchesOneWholeBatch(int threads, int chunkRows)
    {
        const int rows = 300;
        var (policy, obs, actions, returns) = Setup(rows);
        var expected = WholeBatchGradient(policy, obs, actions, returns);

        using var runner = new DataParallelRunner(policy, threads, chunkRows);
        var stats = runner.Run(rows, (Tape tape, ActorCriticPolicy p, int start, int count, double weight, ref UpdateStats s) =>
        {
            var loss = Loss(tape, p, Minibatch.Rows(tape, obs, start, count), Minibatch.Rows(tape, actions, start, count), Minibatch.Rows(tape, returns, start, count));
            s.Loss += weight * loss.Data[0];
            return tape.Scale(loss, weight);
        });

        var actual = Gradient(policy);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"gradient {i}: {expected[i]:R} vs {actual[i]:R}");
        }

        Assert.True(double.IsFinite(stats.Loss));
    }

    [Fact]
    public void Ppo_TwoThreads_SameSeedTwice_BitIdenticalAndCloseToOneThread()
    {
        static double[] Train(int threads)
        {
            var env = Gym.MakeVector("CartPole-v1", 4, seed: 11);
            using var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumSteps = 64, Seed = 11, Threads = threads }, MinibatchSize = 128, NumEpochs = 2 });
            ppo.Learn(512);
            return DeterminismTests.Flatten(ppo.Policy.Parameters);
        }

        var a = Train(2);
        Assert.Equal(a, Train(2));
        var single = Train(1);
        // a different summation order changes the last bits only, and 512 steps are too few for that to grow
        for (int i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i] - single[i]) <= 1e-9, $"parameter {i}: {a[i]:R} with 2 threads, {single[i]:R} with 1");
        }
    }

    [Fact]
    public void Run_WorkerThrows_RethrowsOnCaller()
    {
        var (policy, _, _, _) = Setup(128);
        using var runner = new DataParallelRunner(policy, threads: 2, chunkRows: 32);
        var ex = Assert.Throws<InvalidOperationException>(() => runner.Run(128, (Tape tape, ActorCriticPolicy p, int start, int count, double weight, ref UpdateStats s) =>
            start >= 64 ? throw new ArgumentException("bad chunk") : tape.Sum(tape.Square(p.Value(tape, tape.Constant(new double[count * 4], count, 4))))));
        Assert.Contains("bad chunk", ex.Message);
    }

    private static (ActorCriticPolicy Policy, Tensor Obs, Tensor Actions, Tensor Returns) Setup(int rows)
    {
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(5));
        var rng = new Xoshiro256(6);
        var obs = new Tensor(rows, 4);
        rng.FillUniform(obs.Data, -1, 1);
        var actions = new Tensor(rows, 1);
        var returns = new Tensor(rows, 1);
        rng.FillUniform(returns.Data, 0, 10);
        for (int i = 0; i < rows; i++)
        {
            actions.Data[i] = rng.NextInt(2);
        }

        return (policy, obs, actions, returns);
    }

    private static Tensor Loss(Tape tape, ActorCriticPolicy policy, Tensor obs, Tensor actions, Tensor returns)
    {
        var eval = policy.Evaluate(tape, obs, actions);
        return tape.Add(tape.Sub(tape.Mean(eval.LogProb), tape.Scale(tape.Mean(eval.Entropy), 0.01)), tape.Mse(eval.Value!, returns));
    }

    private static double[] WholeBatchGradient(ActorCriticPolicy policy, Tensor obs, Tensor actions, Tensor returns)
    {
        policy.Parameters.ZeroGrad();
        var tape = new Tape();
        tape.Backward(Loss(tape, policy, obs, actions, returns));
        var g = Gradient(policy);
        policy.Parameters.ZeroGrad();
        return g;
    }

    private static double[] Gradient(ActorCriticPolicy policy)
    {
        var g = new double[policy.Parameters.TotalLength];
        policy.Parameters.CopyGradsTo(g);
        return g;
    }
}
