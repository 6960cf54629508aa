using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Tests;

/// <summary>Time limits, terminated vs truncated, same-step auto-reset and seeding.</summary>
public sealed class EpisodeTests
{
    // Pole-balancing PD controller: keeps CartPole up (and the cart on the track) for well over 500 steps.
    private static int Balance(double[] obs) => (obs[2] + (0.5 * obs[3]) + (0.01 * obs[0]) + (0.1 * obs[1])) > 0 ? 1 : 0;

    [Theory]
    [InlineData("CartPole-v0", 200)]
    [InlineData("CartPole-v1", 500)]
    public void CartPole_Balanced_TruncatesExactlyAtLimit(string id, int limit)
    {
        var env = Gym.Make(id);
        var obs = env.Reset(seed: 4);
        for (int t = 1; t <= limit; t++)
        {
            var step = env.Step(Balance(obs));
            Assert.False(step.Terminated, $"{id} fell at step {t}; the test controller should balance it");
            Assert.True(step.Truncated == (t == limit), $"{id} step {t}: truncated {step.Truncated}");
            Assert.Equal(1.0, step.Reward);
            obs = step.Observation;
        }
    }

    [Theory]
    [InlineData("Pendulum-v1", 200)]
    [InlineData("MountainCarContinuous-v0", 999)]
    [InlineData("Acrobot-v1", 500)]
    public void NeverSolved_TruncatesAtSpecLimit(string id, int limit)
    {
        var env = Gym.Make(id);
        env.Reset(seed: 0);
        var idle = env.ActionSpace is Discrete ? new[] { 1.0 } : new[] { 0.0 };
        for (int t = 1; t <= limit; t++)
        {
            var step = env.Step(idle);
            Assert.False(step.Terminated);
            Assert.True(step.Truncated == (t == limit), $"{id} step {t}");
        }
    }

    [Fact]
    public void TimeLimitOverride_IsUsedBySingleAndVector()
    {
        var env = Gym.Make("CartPole-v1", maxEpisodeSteps: 7);
        Assert.Equal(7, env.MaxEpisodeSteps);
        var obs = env.Reset(seed: 0);
        for (int t = 1; t <= 7; t++)
        {
            var step = env.Step(Balance(obs));
            Assert.Equal(t == 7, step.Truncated);
            obs = step.Observation;
        }

        var vec = Gym.MakeVector("CartPole-v1", 2, seed: 0, maxEpisodeSteps: 3);
        var o = new double[8];
        var tr = new bool[2];
        vec.Reset(o);
        for (int t = 1; t <= 3; t++)
        {
            vec.Step([Balance(o[..4]), Balance(o[4..])], o, new double[2], new bool[2], tr);
            Assert.Equal(t == 3, tr[0]);
            Assert.Equal(t == 3, tr[1]);
        }
    }

    [Fact]
    public void TerminationOnLastAllowedStep_ReportsBothFlags()
    {
        // Push right until the pole falls; then replay with the limit set to that very step.
        var probe = Gym.Make("CartPole-v1");
        probe.Reset(seed: 9);
        int fall = 0;
        while (!probe.Step(1).Terminated)
        {
            fall++;
        }

        fall++;
        var env = Gym.Make("CartPole-v1", maxEpisodeSteps: fall);
        env.Reset(seed: 9);
        for (int t = 1; t < fall; t++)
        {
            var s = env.Step(1);
            Assert.False(s.Terminated || s.Truncated);
        }

        var last = env.Step(1);
        Assert.True(last.Terminated);
        Assert.True(last.Truncated);
        Assert.Equal(1.0, last.Reward);
    }

    [Fact]
    public void CartPole_StepAfterTermination_RewardsZero()
    {
        var env = Gym.Make("CartPole-v1");
        env.Reset(seed: 2);
        Transition step;
        do
        {
            step = env.Step(0);
        }
        while (!step.Terminated);
        Assert.Equal(1.0, step.Reward);
        var after = env.Step(0);
        Assert.True(after.Terminated);
        Assert.Equal(0.0, after.Reward);
    }

    [Fact]
    public void Acrobot_TerminatingStep_RewardsZeroOtherwiseMinusOne()
    {
        var env = (ClassicEnv)Gym.Make("Acrobot-v1");
        var obs = new double[6];
        // Both links nearly upright: −cos θ1 − cos(θ1 + θ2) ≈ 2 > 1 after one step.
        env.SetState([Math.PI - 0.01, 0.0, 0.0, 0.0], obs);
        var step = env.Step([1.0], obs);
        Assert.True(step.Terminated);
        Assert.Equal(0.0, step.Reward);
        env.SetState([0.0, 0.0, 0.0, 0.0], obs);
        Assert.Equal(-1.0, env.Step([1.0], obs).Reward);
    }

    public static TheoryData<string> AllIds => Fixtures.Ids;

    [Theory]
    [MemberData(nameof(AllIds))]
    public void VectorEnv_RandomActions_EqualsSingleEnvsSeededSeedPlusIndex(string id)
    {
        const int n = 5;
        const ulong seed = 77;
        var vec = Gym.MakeVector(id, n, seed: seed, maxEpisodeSteps: 40);
        var singles = Enumerable.Range(0, n).Select(_ => Gym.Make(id, maxEpisodeSteps: 40)).ToArray();
        int obsSize = vec.ObservationSize, actSize = vec.ActionSize;
        var obs = new double[n * obsSize];
        vec.Reset(obs);
        var singleObs = singles.Select((e, i) => e.Reset(seed + (ulong)i)).ToArray();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(singleObs[i], obs.AsSpan(i * obsSize, obsSize).ToArray());
        }

        var rng = new Pcg64(1);
        var actions = new double[n * actSize];
        var rewards = new double[n];
        var term = new bool[n];
        var trunc = new bool[n];
        int ended = 0;
        for (int t = 0; t < 300; t++)
        {
            for (int i = 0; i < n; i++)
            {
                vec.SingleActionSpace.Sample(rng, actions.AsSpan(i * actSize, actSize));
            }

            vec.Step(actions, obs, rewards, term, trunc);
            for (int i = 0; i < n; i++)
            {
                var s = singles[i].Step(actions.AsSpan(i * actSize, actSize));
                Assert.Equal(s.Reward, rewards[i]);
                Assert.Equal(s.Terminated, term[i]);
                Assert.Equal(s.Truncated, trunc[i]);
                bool done = s.Terminated || s.Truncated;
                Assert.Equal(done, vec.HasFinalObservation[i]);
                var row = obs.AsSpan(i * obsSize, obsSize).ToArray();
                if (done)
                {
                    ended++;
                    // The ended episode's last observation is kept; the row already holds the next episode's first.
                    Assert.Equal(s.Observation, vec.FinalObservations.Slice(i * obsSize, obsSize).ToArray());
                    Assert.Equal(singles[i].Reset(), row);
                }
                else
                {
                    Assert.Equal(s.Observation, row);
                }
            }
        }

        Assert.True(ended >= n, $"{id}: only {ended} episodes ended in 300 steps");
    }

    [Theory]
    [MemberData(nameof(AllIds))]
    public void Reset_SameSeed_SameTrajectoryDifferentSeed_Differs(string id)
    {
        double[] Run(ulong seed)
        {
            var vec = Gym.MakeVector(id, 3);
            var obs = new double[3 * vec.ObservationSize];
            var trace = new List<double>();
            vec.Reset(obs, seed);
            var rng = new Pcg64(42);
            var actions = new double[3 * vec.ActionSize];
            for (int t = 0; t < 50; t++)
            {
                for (int i = 0; i < 3; i++)
                {
                    vec.SingleActionSpace.Sample(rng, actions.AsSpan(i * vec.ActionSize, vec.ActionSize));
                }

                vec.Step(actions, obs, new double[3], new bool[3], new bool[3]);
                trace.AddRange(obs);
            }

            return [.. trace];
        }

        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }

    [Fact]
    public void Reset_NullSeed_ContinuesStreamAndMakeVectorSeedIsUsedFirst()
    {
        var env = Gym.Make("CartPole-v1");
        var first = env.Reset(seed: 5);
        var second = env.Reset();
        var again = Gym.Make("CartPole-v1");
        Assert.Equal(first, again.Reset(seed: 5));
        Assert.Equal(second, again.Reset());
        Assert.NotEqual(first, second);

        var vec = Gym.MakeVector("CartPole-v1", 2, seed: 5);
        var obs = new double[8];
        vec.Reset(obs);
        Assert.Equal(first, obs[..4]);
        Assert.Equal(Gym.Make("CartPole-v1").Reset(seed: 6), obs[4..]);
    }

    [Fact]
    public void Pcg64_SeedZero_ReproducesGymnasiumCartPoleReset()
    {
        // Gymnasium's CartPole-v1 reset(seed=0) state, from the fixture's first record.
        var expected = Fixtures.Load("CartPole-v1").Records[0].State;
        var rng = new Pcg64(0);
        var drawn = Enumerable.Range(0, 4).Select(_ => rng.Uniform(-0.05, 0.05)).ToArray();
        Assert.Equal(expected, drawn);
    }

    [Fact]
    public void SetState_RestartsStepCounter()
    {
        var env = Gym.Make("Pendulum-v1", maxEpisodeSteps: 3);
        var stateful = (IStatefulEnv)env;
        var obs = env.Reset(seed: 1);
        env.Step([0.0]);
        env.Step([0.0]);
        stateful.SetState([0.5, 0.0], obs);
        Assert.Equal(new[] { (double)(float)Math.Cos(0.5), (float)Math.Sin(0.5), 0.0 }, obs);
        Assert.False(env.Step([0.0]).Truncated);
        Assert.False(env.Step([0.0]).Truncated);
        Assert.True(env.Step([0.0]).Truncated);
        var state = new double[2];
        stateful.GetState(state);
        Assert.Equal(2, stateful.StateSize);
    }

    [Fact]
    public void VectorStep_SteadyState_AllocatesNothing()
    {
        foreach (var spec in Gym.Specs.Take(7))
        {
            var vec = Gym.MakeVector(spec.Id, 16, seed: 3, maxEpisodeSteps: 5);
            var obs = new double[16 * vec.ObservationSize];
            var actions = new double[16 * vec.ActionSize];
            var rewards = new double[16];
            var term = new bool[16];
            var trunc = new bool[16];
            vec.Reset(obs);
            long allocated = Tensorless.Tests.AllocationProbe.SteadyStateBytes(() => vec.Step(actions, obs, rewards, term, trunc));
            Assert.True(allocated == 0, $"{spec.Id} allocated {allocated} bytes during Step (auto-resets included)");
        }
    }
}
