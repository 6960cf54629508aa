namespace Tensorless.Envs.Tests.Core;

/// <summary><see cref="IExportableVectorEnv"/>: the per-env state as arrays, for a backend that steps the envs elsewhere.</summary>
public sealed class ExportStateTests
{
    [Theory]
    [MemberData(nameof(SnapshotTests.BuiltInIds), MemberType = typeof(SnapshotTests))]
    public void ImportState_OfAnExport_StepsExactlyAsTheOriginal(string id)
    {
        var original = (IExportableVectorEnv)Gym.MakeVector(id, 3, seed: 11, maxEpisodeSteps: 7);
        original.Reset(new double[3 * original.ObservationSize]);
        SnapshotTests.Run(original, 0, 10);
        var state = new VectorEnvState(3, original.StateSize, original.ObservationSize);
        original.ExportState(state);
        Assert.Contains(state.Elapsed, e => e > 0);
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(1UL, state.Generators[(i * 4) + 3] & 1UL)); // odd increments
        byte[] expectedSnapshot = ((ISnapshotVectorEnv)original).SaveSnapshot();
        var expected = SnapshotTests.Run(original, 10, 25);

        var restored = (IExportableVectorEnv)Gym.MakeVector(id, 3, seed: 999, maxEpisodeSteps: 7);
        restored.Reset(new double[3 * restored.ObservationSize]);
        restored.ImportState(state);
        Assert.Equal(expectedSnapshot, ((ISnapshotVectorEnv)restored).SaveSnapshot());
        var actual = SnapshotTests.Run(restored, 10, 25);
        for (int k = 0; k < expected.Count; k++)
        {
            Check.Equal(expected[k], actual[k], 0, $"{id} record {k}");
        }
    }

    [Fact]
    public void ExportAndImport_NameWhatIsWrong_AndLeaveTheEnvUnchanged()
    {
        var env = (IExportableVectorEnv)Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var state = new VectorEnvState(2, env.StateSize, env.ObservationSize);
        Assert.Contains("reset the vector env", Assert.Throws<InvalidOperationException>(() => env.ExportState(state)).Message);
        env.Reset(new double[8]);
        Assert.Contains("3 envs", Assert.Throws<ArgumentException>(() => env.ExportState(new VectorEnvState(3, 4, 4))).Message);
        env.ExportState(state);
        byte[] before = ((ISnapshotVectorEnv)env).SaveSnapshot();
        var bad = new VectorEnvState(2, env.StateSize, env.ObservationSize);
        state.States.CopyTo(bad.States, 0);
        state.Generators.CopyTo(bad.Generators, 0);
        bad.States[0] = 123.0;
        bad.Generators[7] &= ~1UL; // env 1's increment made even
        Assert.Contains("env 1's generator", Assert.Throws<ArgumentException>(() => env.ImportState(bad)).Message);
        bad.Generators[7] |= 1UL;
        bad.Elapsed[1] = -4;
        Assert.Contains("negative step count", Assert.Throws<ArgumentException>(() => env.ImportState(bad)).Message);
        Assert.Equal(before, ((ISnapshotVectorEnv)env).SaveSnapshot());
    }
}
