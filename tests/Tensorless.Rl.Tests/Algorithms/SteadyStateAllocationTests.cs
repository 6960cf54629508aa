using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Tests;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>The learners' steady-state steps allocate nothing: the real update rules and the rollout step, measured on themselves.</summary>
public class SteadyStateAllocationTests
{
    // allocations of the worker thread are not counted by GC.GetAllocatedBytesForCurrentThread, so with 2 threads the main
    // thread's share (its chunks, the reduction, clipping, the optimizer) is what is measured; the 1-thread case covers all
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public void PpoUpdate_Steady_AllocatesNothing(int threads, bool seedVariant)
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed: 1);
        var shared = new OnPolicyOptions { NumEnvs = 4, NumSteps = 75, Threads = threads, EntCoef = 0.01 };
        var options = seedVariant
            ? new PpoOptions { OnPolicy = shared with { TrainValueIterations = 3, ValueLearningRate = 1e-3 }, MinibatchSize = 300, NumEpochs = 2, TargetKl = 1.0, PolicyObjective = PolicyObjective.AdaptiveKlPenalty }
            : new PpoOptions { OnPolicy = shared with { LearningRateSchedule = Schedule.Linear }, MinibatchSize = 60, NumEpochs = 2, ClipRangeVf = 0.2 };
        using var ppo = new Ppo(env, options);
        ppo.Learner.CollectRollout();
        var metrics = MetricsRecord.CreateStandard();
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => ppo.Update(0.5, metrics), warmupSteps: 5, windowSteps: 5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A2cUpdate_Steady_AllocatesNothing(int threads)
    {
        var env = Gym.MakeVector("Pendulum-v1", 8, seed: 1);
        using var a2c = new A2c(env, new A2cOptions { OnPolicy = A2cOptions.Defaults with { NumEnvs = 8, NumSteps = 16, Threads = threads, NormalizeAdvantage = true } });
        a2c.Learner.CollectRollout();
        var metrics = MetricsRecord.CreateStandard();
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => a2c.Update(0.5, metrics)));
    }

    [Fact]
    public void LearnerLoop_RolloutAndUpdate_AllocatesNothing()
    {
        // a whole iteration of the learner's loop minus the callbacks: collect (act, env step, buffer write, GAE) and update
        var env = Gym.MakeVector("CartPole-v1", 8, seed: 3);
        using var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumEnvs = 8, NumSteps = 16, NormalizeObservations = true, NormalizeRewards = true }, MinibatchSize = 32, NumEpochs = 1 });
        var metrics = MetricsRecord.CreateStandard();
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() =>
        {
            ppo.Learner.CollectRollout();
            ppo.Update(0.5, metrics);
        }, warmupSteps: 5, windowSteps: 5));
    }

    [Fact]
    public void RolloutStep_ActEnvStepBufferWrite_AllocatesNothing()
    {
        var env = Gym.MakeVector("CartPole-v1", 16, seed: 2);
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(2));
        var buffer = new RolloutBuffer(8, 16, 4, 1);
        var tape = new Tape(recording: false);
        var rng = new Xoshiro256(3);
        var obs = new double[64];
        var actions = new double[16];
        var values = new double[16];
        var logProbs = new double[16];
        var rewards = new double[16];
        var terminated = new bool[16];
        var truncated = new bool[16];
        env.Reset(obs, 2);
        int t = 0;
        long bytes = AllocationProbe.SteadyStateBytes(() =>
        {
            tape.Reset();
            policy.Act(tape, obs, 16, rng, deterministic: false, actions, values, logProbs);
            env.Step(actions, obs, rewards, terminated, truncated);
            buffer.WriteStep(t, obs, actions, rewards, terminated, truncated, values, logProbs, env.FinalObservations);
            t = (t + 1) % 8;
        });
        Assert.Equal(0, bytes);
    }
}
