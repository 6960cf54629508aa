using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Tests.Core;

public sealed class SnapshotTests
{
    public static TheoryData<string> BuiltInIds() =>
        ["CartPole-v1", "CartPoleSwingUp-v0", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0"];

    [Theory]
    [MemberData(nameof(BuiltInIds))]
    public void LoadSnapshot_AfterEpisodesEnded_StepsExactlyAsTheOriginal(string id)
    {
        // A short time limit makes episodes end (and auto-reset from each env's generator) inside both halves of the run.
        var original = Gym.MakeVector(id, 3, seed: 11, maxEpisodeSteps: 7);
        var obs = new double[3 * original.ObservationSize];
        original.Reset(obs);
        Run(original, 0, 10);
        byte[] snapshot = ((ISnapshotVectorEnv)original).SaveSnapshot();
        var expected = Run(original, 10, 25);

        var restored = Gym.MakeVector(id, 3, seed: 999, maxEpisodeSteps: 7);
        ((ISnapshotVectorEnv)restored).LoadSnapshot(snapshot);
        var actual = Run(restored, 10, 25);

        Assert.Equal(expected.Count, actual.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Check.Equal(expected[k], actual[k], 0, $"{id} record {k}");
        }
    }

    [Fact]
    public void LoadSnapshot_BeforeFirstReset_KeepsThePendingSeed()
    {
        var original = Gym.MakeVector("CartPole-v1", 2, seed: 5);
        byte[] snapshot = ((ISnapshotVectorEnv)original).SaveSnapshot();
        var restored = Gym.MakeVector("CartPole-v1", 2, seed: 6);
        ((ISnapshotVectorEnv)restored).LoadSnapshot(snapshot);
        var a = new double[8];
        var b = new double[8];
        original.Reset(a);
        restored.Reset(b);
        Check.Equal(a, b, 0, "first observations");
        Assert.Throws<InvalidOperationException>(() =>
            Gym.MakeVector("CartPole-v1", 2).Step(new double[2], new double[8], new double[2], new bool[2], new bool[2]));
    }

    [Fact]
    public void LoadSnapshot_WrongEnvOrCorruptBytes_ThrowsAndLeavesEnvUnchanged()
    {
        var cartPole = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        cartPole.Reset(new double[8]);
        byte[] snapshot = ((ISnapshotVectorEnv)cartPole).SaveSnapshot();
        var target = (ISnapshotVectorEnv)Gym.MakeVector("CartPole-v1", 2, seed: 2);
        var before = target.SaveSnapshot();

        var other = Assert.Throws<ArgumentException>(() => ((ISnapshotVectorEnv)Gym.MakeVector("CartPole-v0", 2)).LoadSnapshot(snapshot));
        Assert.Contains("CartPole-v1", other.Message);
        var count = Assert.Throws<ArgumentException>(() => ((ISnapshotVectorEnv)Gym.MakeVector("CartPole-v1", 3)).LoadSnapshot(snapshot));
        Assert.Contains("2 envs", count.Message);
        var truncated = Assert.Throws<ArgumentException>(() => target.LoadSnapshot(snapshot.AsSpan(0, snapshot.Length - 3)));
        Assert.Contains("truncated", truncated.Message);
        Assert.Throws<ArgumentException>(() => target.LoadSnapshot([.. snapshot, 0]));
        Assert.Equal(before, target.SaveSnapshot());
    }

    /// <summary>Steps t = from..to-1 with a fixed action pattern and records observations, rewards, flags and final observations.</summary>
    internal static List<double[]> Run(IVectorEnv env, int from, int to)
    {
        int n = env.NumEnvs;
        var obs = new double[n * env.ObservationSize];
        var rewards = new double[n];
        var terminated = new bool[n];
        var truncated = new bool[n];
        var actions = new double[n * env.ActionSize];
        var records = new List<double[]>();
        for (int t = from; t < to; t++)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                actions[i] = env.SingleActionSpace is Discrete d ? (t + i) % d.N : Math.Sin(t + (3 * i));
            }

            env.Step(actions, obs, rewards, terminated, truncated);
            records.Add([.. obs, .. rewards, .. terminated.Select(x => x ? 1.0 : 0.0), .. truncated.Select(x => x ? 1.0 : 0.0)]);
            var final = new List<double>();
            for (int i = 0; i < n; i++)
            {
                if (env.HasFinalObservation[i])
                {
                    final.AddRange(env.FinalObservations.Slice(i * env.ObservationSize, env.ObservationSize).ToArray());
                }
            }

            records.Add([.. final]);
        }

        return records;
    }
}
