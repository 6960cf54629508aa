using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Tests;

/// <summary>A user env: a counter that terminates when it reaches its target, to test the generic paths.</summary>
internal sealed class CounterEnv : IEnv
{
    private int count;
    private int target;
    private Pcg64 rng = new(0);

    public string Id => "Counter-v0";

    public Space ObservationSpace { get; } = new Box(0, 100, 1);

    public Space ActionSpace { get; } = new Discrete(2);

    public int? MaxEpisodeSteps => null;

    public void Reset(Span<double> observation, ulong? seed = null)
    {
        if (seed is { } s)
        {
            rng = new Pcg64(s);
        }

        count = 0;
        target = 2 + rng.NextInt(4);
        observation[0] = count;
    }

    public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        count += (int)action[0];
        observation[0] = count;
        return new StepResult(1.0, count >= target, false);
    }
}

public sealed class SyncVectorEnvTests
{
    [Fact]
    public void Register_CustomEnv_MakesTimeLimitedEnvAndSyncVector()
    {
        var spec = Gym.Register("CounterTest-v0", () => new CounterEnv(), maxEpisodeSteps: 3);
        Assert.Contains(Gym.Specs, s => s.Id == "CounterTest-v0");
        Assert.Equal(3, spec.MaxEpisodeSteps);
        Assert.Throws<ArgumentException>(() => Gym.Register("CounterTest-v0", () => new CounterEnv()));

        var env = Gym.Make("CounterTest-v0");
        env.Reset(seed: 0);
        Assert.True(env.Step(0).Truncated == false && env.Step(0).Truncated == false);
        Assert.True(env.Step(0).Truncated);

        var vec = Gym.MakeVector("CounterTest-v0", 3, seed: 1);
        Assert.IsType<SyncVectorEnv>(vec);
        Assert.Equal(3, vec.NumEnvs);
    }

    [Fact]
    public void SyncVectorEnv_EpisodeEnd_AutoResetsAndKeepsFinalObservation()
    {
        var vec = new SyncVectorEnv([new CounterEnv(), new CounterEnv()], seed: 10);
        var obs = new double[2];
        var rewards = new double[2];
        var term = new bool[2];
        var trunc = new bool[2];
        vec.Reset(obs);
        Assert.Equal(new[] { 0.0, 0.0 }, obs);
        var twin = new CounterEnv();
        var twinObs = new double[1];
        twin.Reset(twinObs, 11);
        for (int t = 1; t <= 12; t++)
        {
            vec.Step([0.0, 1.0], obs, rewards, term, trunc);
            var s = twin.Step([1.0], twinObs);
            Assert.Equal(0.0, obs[0]);
            Assert.False(vec.HasFinalObservation[0]);
            Assert.Equal(s.Terminated, term[1]);
            Assert.Equal(s.Terminated, vec.HasFinalObservation[1]);
            if (s.Terminated)
            {
                Assert.Equal(twinObs[0], vec.FinalObservations[1]);
                Assert.Equal(0.0, obs[1]);
                twin.Reset(twinObs);
            }
            else
            {
                Assert.Equal(twinObs[0], obs[1]);
            }
        }
    }

    [Fact]
    public void SyncVectorEnv_MismatchedEnvs_Throw()
    {
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv([new CounterEnv(), Gym.Make("CartPole-v1")]));
        Assert.Throws<ArgumentException>(() => new SyncVectorEnv([]));
        var limits = Assert.Throws<ArgumentException>(() => new SyncVectorEnv([new TimeLimit(new CounterEnv(), 3), new TimeLimit(new CounterEnv(), 4)]));
        Assert.Contains("time limit", limits.Message);
    }

    [Fact]
    public void VectorEnvs_MaxEpisodeSteps_ReportTheLimitTheyWereBuiltWith()
    {
        Assert.Equal(3, new SyncVectorEnv([new TimeLimit(new CounterEnv(), 3), new TimeLimit(new CounterEnv(), 3)]).MaxEpisodeSteps);
        Assert.Null(new SyncVectorEnv([new CounterEnv()]).MaxEpisodeSteps);
        Assert.Equal(500, Gym.MakeVector("CartPole-v1", 2).MaxEpisodeSteps);
        Assert.Equal(17, Gym.MakeVector("CartPole-v1", 2, maxEpisodeSteps: 17).MaxEpisodeSteps);
    }
}
