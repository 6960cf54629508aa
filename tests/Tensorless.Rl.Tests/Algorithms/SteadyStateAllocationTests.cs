using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;
using Tensorless.Tests;

namespace Tensorless.Rl.Tests.Algorithms;

public class SteadyStateAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void UpdateStep_ChunkedDataParallelGradientClipAdam_AllocatesNothing(int threads)
    {
        var spec = Gym.Spec("CartPole-v1");
        var rng = new Xoshiro256(1);
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), rng);
        var mb = new Minibatch(300, 4, 1);
        rng.FillUniform(mb.Observations.Data, -1, 1);
        rng.FillUniform(mb.Advantages.Data, -1, 1);
        Parameter[] parameters = [.. policy.Parameters];
        var adam = new Adam(parameters, 1e-3);
        using var runner = new DataParallelRunner(policy, threads, chunkRows: 64);
        DataParallelRunner.ChunkLoss loss = (Tape tape, ActorCriticPolicy p, int start, int count, double weight, ref UpdateStats s) =>
        {
            var (obs, actions) = mb.Inputs(tape, start, count);
            var eval = p.Evaluate(tape, obs, actions);
            var total = tape.Add(tape.ClippedSurrogateLoss(eval.LogProb, Minibatch.Rows(tape, mb.OldLogProbs, start, count), Minibatch.Rows(tape, mb.Advantages, start, count), 0.2),
                tape.Mse(eval.Value!, Minibatch.Rows(tape, mb.Returns, start, count)));
            s.Loss += weight * total.Data[0];
            return tape.Scale(total, weight);
        };

        // allocations of the worker thread are not counted by GC.GetAllocatedBytesForCurrentThread, so the main thread's
        // share (chunks, reduction, clip, Adam) is what this measures; the 1-thread case covers every chunk
        long bytes = AllocationProbe.SteadyStateBytes(() =>
        {
            runner.Run(300, loss);
            GradientClipping.ClipByGlobalNorm(parameters, 0.5);
            adam.Step();
        });
        Assert.Equal(0, bytes);
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
