using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>A3C: option checks, the n-step update of one worker by hand, determinism, the asynchronous mode, and shutdown.</summary>
public sealed class A3cTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static A3cOptions Small(bool deterministic, int workers = 2, ulong seed = 3) => new()
    {
        NumWorkers = workers,
        Deterministic = deterministic,
        OnPolicy = A3cOptions.Defaults with { Seed = seed, Policy = new PolicyOptions { HiddenSizes = [8, 8] } },
    };

    private static A3c Make(int numEnvs, A3cOptions options) => new(Gym.MakeVector("CartPole-v1", numEnvs, options.OnPolicy.Seed), options);

    [Fact]
    public void Options_NumWorkersZero_NamesNumWorkers()
    {
        var ex = Assert.Throws<ArgumentException>(() => Make(2, Small(true, workers: 0)));
        Assert.Contains("NumWorkers", ex.Message);
    }

    [Fact]
    public void Options_NumEnvsNotAMultipleOfWorkers_NamesBoth()
    {
        var ex = Assert.Throws<ArgumentException>(() => Make(3, Small(true, workers: 2)));
        Assert.Contains("NumEnvs = 3", ex.Message);
        Assert.Contains("NumWorkers = 2", ex.Message);
    }

    [Fact]
    public void Options_Adam_NamesOptimizer()
    {
        var options = Small(true).With(o => o with { Optimizer = OptimizerKind.Adam });
        var ex = Assert.Throws<ArgumentException>(() => Make(2, options));
        Assert.Equal("Optimizer", ex.ParamName);
    }

    [Fact]
    public void Options_SeparateValueFit_NamesTrainValueIterations()
    {
        var options = Small(true).With(o => o with { TrainValueIterations = 3, Policy = new PolicyOptions { SharedTrunk = false } });
        var ex = Assert.Throws<ArgumentException>(() => Make(2, options));
        Assert.Contains("TrainValueIterations", ex.Message);
    }

    [Fact]
    public void Options_Reproducible_OnlyWhenDeterministicOrOneWorker()
    {
        Assert.True(((IAlgorithmOptions)Small(true)).Reproducible);
        Assert.False(((IAlgorithmOptions)Small(false)).Reproducible);
        Assert.True(((IAlgorithmOptions)Small(false, workers: 1)).Reproducible);
        Assert.True(((IAlgorithmOptions)new PpoOptions()).Reproducible);
    }

    /// <summary>
    /// Two workers with one env each and t_max = 3, worked by hand: worker k's rows are env column k at t = 0, 1, 2; its
    /// returns are the segment's bootstrapped n-step returns R_t = r_t + gamma r_{t+1} + ... + gamma^{3-t} V(s_3) (no
    /// CartPole episode ends in its first 3 steps); both gradients are taken at the round's theta (theta' = theta for
    /// both, though worker 0 steps first); and the shared RMSprop statistics carry worker 0's step into worker 1's:
    /// s = (1 - alpha) g0^2, theta1 = theta - lr g0 / (sqrt(s) + eps); s' = alpha s + (1 - alpha) g1^2,
    /// theta2 = theta1 - lr g1 / (sqrt(s') + eps).
    /// </summary>
    [Fact]
    public void Update_TwoWorkersByHand_NStepReturnsGradientsAtThetaPrimeSharedRmsProp()
    {
        const double gamma = 0.9, lr = 0.01, alpha = 0.99, eps = 1e-5, entCoef = 0.01, vfCoef = 0.5;
        var options = Small(true).With(o => o with
        {
            NumSteps = 3, Gamma = gamma, LearningRate = lr, RmsPropAlpha = alpha, OptimizerEps = eps, EntCoef = entCoef, VfCoef = vfCoef,
            MaxGradNorm = null,
        });
        using var agent = Make(2, options);
        agent.Learner.CollectRollout();
        var buffer = agent.Learner.Buffer;
        Assert.Equal([0, 2, 4], agent.Workers[0].Rows.ToArray());
        Assert.Equal([1, 3, 5], agent.Workers[1].Rows.ToArray());

        double[][] theta = [.. agent.Policy.Parameters.Select(p => p.Data.ToArray())];
        var gradients = new double[2][][];
        for (int k = 0; k < 2; k++)
        {
            // returns by hand for env column k
            double v3 = buffer.LastValues[k];
            double[] expected = [1 + gamma + gamma * gamma * (1 + gamma * v3), 1 + gamma * (1 + gamma * v3), 1 + gamma * v3];
            for (int t = 0; t < 3; t++)
            {
                int row = t * 2 + k;
                Assert.Equal(1.0, buffer.Rewards[row]);
                Assert.False(buffer.Terminated[row] || buffer.Truncated[row]);
                Assert.Equal(expected[t], buffer.Returns[row], 1e-12);
                Assert.Equal(expected[t] - buffer.Values[row], buffer.Advantages[row], 1e-12);
            }

            gradients[k] = ReferenceGradient(agent.Policy, buffer, [k, 2 + k, 4 + k], entCoef, vfCoef);
        }

        agent.Update(1.0, Tensorless.Rl.Metrics.MetricsRecord.CreateStandard());

        var parameters = agent.Policy.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var actual = parameters[i].Data;
            for (int j = 0; j < actual.Length; j++)
            {
                double g0 = gradients[0][i][j], g1 = gradients[1][i][j];
                double s = (1 - alpha) * g0 * g0;
                double theta1 = theta[i][j] - lr * g0 / (Math.Sqrt(s) + eps);
                double s2 = alpha * s + (1 - alpha) * g1 * g1;
                double theta2 = theta1 - lr * g1 / (Math.Sqrt(s2) + eps);
                Assert.Equal(theta2, actual[j], 1e-12);
            }
        }

        Assert.Equal(2, agent.Optimizers[0].Optimizer.StepCount);
    }

    [Fact]
    public void Deterministic_SameSeedTwice_SameBits()
    {
        using var a = Make(4, Small(true));
        using var b = Make(4, Small(true));
        a.Learn(3_000);
        b.Learn(3_000);
        Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit.AssertSameParameters(a, b);
        Assert.Equal(a.Learner.Progress.Episodes.History, b.Learner.Progress.Episodes.History);
    }

    [Fact]
    public async Task Asynchronous_Trains_WithoutErrorsAndStopsItsThreads()
    {
        var agent = Make(4, Small(false, workers: 4));
        Assert.Equal(3, agent.LiveThreads);
        var progress = await Task.Run(() => agent.Learn(5_000)).WaitAsync(Timeout);
        Assert.True(progress.EnvSteps >= 4_900);
        Assert.True(progress.Episodes.EpisodeCount > 0);
        Assert.All(agent.Policy.Parameters, p => Assert.All(p.Data.ToArray(), x => Assert.True(double.IsFinite(x))));
        Assert.Equal(4 * progress.Updates, agent.Optimizers[0].Optimizer.StepCount);
        await Task.Run(agent.Dispose).WaitAsync(Timeout);
        Assert.Equal(0, agent.LiveThreads);
        agent.Dispose(); // twice is harmless
        Assert.Throws<ObjectDisposedException>(() => agent.Update(1.0, Tensorless.Rl.Metrics.MetricsRecord.CreateStandard()));
    }

    [Fact]
    public void OneWorker_NoThreads_TrainsOnTheCallersThread()
    {
        using var agent = Make(2, Small(false, workers: 1));
        Assert.Equal(0, agent.LiveThreads);
        agent.Learn(500);
        Assert.True(agent.Learner.Progress.Updates > 0);
    }

    [Fact]
    public void SharedRmsProp_OneThread_SameBitsAsRmsPropAndStateRoundTrips()
    {
        double[] initial = [0.5, -1.0, 2.0, 0.25, 3.0, -0.75, 1.5];
        Parameter[] a = [new Parameter("w", 7, 1)];
        Parameter[] b = [new Parameter("w", 7, 1)];
        initial.CopyTo(a[0].Data);
        initial.CopyTo(b[0].Data);
        var shared = new SharedRmsProp(a, 0.01, 0.9, 1e-5);
        var reference = new Tensorless.Autodiff.Optim.RmsProp(b, 0.01, 0.9, 1e-5);
        for (int step = 0; step < 3; step++)
        {
            for (int i = 0; i < 7; i++)
            {
                a[0].Grad[i] = b[0].Grad[i] = Math.Sin(step * 7 + i);
            }

            shared.Step();
            reference.Step();
            Assert.Equal(b[0].Data.ToArray(), a[0].Data.ToArray());
        }

        var state = shared.ExportState();
        Assert.Equal(reference.ExportState()["rmsprop.square_avg.w"], state["rmsprop.square_avg.w"]);
        Assert.Equal([3.0], state["rmsprop.step"]);
        var restored = new SharedRmsProp(b, 0.01, 0.9, 1e-5);
        restored.ImportState(state);
        Assert.Equal(3, restored.StepCount);
        Assert.Equal(state["rmsprop.square_avg.w"], restored.ExportState()["rmsprop.square_avg.w"]);
    }

    /// <summary>The gradient of the paper's loss over <paramref name="rows"/>, on a fresh copy of the policy.</summary>
    private static double[][] ReferenceGradient(ActorCriticPolicy global, Tensorless.Rl.Buffers.RolloutBuffer buffer, int[] rows, double entCoef, double vfCoef)
    {
        var policy = new ActorCriticPolicy(global.ObservationSpace, global.ActionSpace, global.Options, new Xoshiro256(99));
        for (int i = 0; i < global.Parameters.Count; i++)
        {
            global.Parameters[i].Data.CopyTo(policy.Parameters[i].Data);
        }

        int n = rows.Length, obsSize = buffer.ObservationSize;
        var obs = new double[n * obsSize];
        var actions = new double[n];
        var adv = new double[n];
        var ret = new double[n];
        for (int r = 0; r < n; r++)
        {
            buffer.Observations.Slice(rows[r] * obsSize, obsSize).CopyTo(obs.AsSpan(r * obsSize));
            actions[r] = buffer.Actions[rows[r]];
            adv[r] = buffer.Advantages[rows[r]];
            ret[r] = buffer.Returns[rows[r]];
        }

        var tape = new Tape();
        var eval = policy.Evaluate(tape, tape.Constant(obs, n, obsSize), tape.Constant(actions, n, 1));
        var policyLoss = tape.Scale(tape.Mean(tape.Mul(eval.LogProb, tape.Constant(adv, n, 1))), -1.0);
        var entropy = tape.Mean(eval.Entropy);
        var valueLoss = tape.Mse(eval.Value!, tape.Constant(ret, n, 1));
        var loss = tape.Add(tape.Sub(policyLoss, tape.Scale(entropy, entCoef)), tape.Scale(valueLoss, vfCoef));
        tape.Backward(loss);
        return [.. policy.Parameters.Select(p => p.Grad.ToArray())];
    }
}
