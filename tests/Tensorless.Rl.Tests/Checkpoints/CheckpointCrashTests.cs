using Tensorless.Autodiff.Serialization;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Checkpoints;

/// <summary>
/// A save killed at any step of its sequence (issue 13 part 3) leaves a folder that loads: the old checkpoint or the new one,
/// never a new model beside an old config. The kill is a fault injected at a named step, not a timing race; nothing after
/// it runs, as after a real kill.
/// </summary>
public sealed class CheckpointCrashTests : IDisposable
{
    private sealed class Killed : Exception;

    private static readonly Lazy<(Ppo Old, Ppo New, Ppo Newer)> Agents = new(() =>
    {
        var old = PpoCartPole();
        old.Learn(32);
        var @new = PpoCartPole();
        @new.Learn(64);
        var newer = PpoCartPole();
        newer.Learn(96);
        return (old, @new, newer);
    });

    private readonly string _dir = TempDirectory();

    public void Dispose() => CheckpointTestKit.Dispose(_dir);

    /// <summary>Every step of a save, as the writer names them.</summary>
    public static TheoryData<string> Steps() => [.. StepNames.Value];

    /// <summary>The steps, recorded from a real save.</summary>
    private static readonly Lazy<List<string>> StepNames = new(() =>
    {
        string dir = TempDirectory();
        try
        {
            var steps = new List<string>();
            Checkpoint.SaveInSteps(PpoCartPole(), dir, steps.Add);
            Assert.Equal(10, steps.Count);
            return steps;
        }
        finally
        {
            CheckpointTestKit.Dispose(dir);
        }
    });

    private static void SaveKilledAt(IOnPolicyAlgorithm agent, string dir, string? step)
    {
        if (step is null)
        {
            Checkpoint.Save(agent, dir);
            return;
        }

        Assert.Throws<Killed>(() => Checkpoint.SaveInSteps(agent, dir, s =>
        {
            if (s == step)
            {
                throw new Killed();
            }
        }));
    }

    /// <summary>Asserts the folder loads every way a user loads it and returns the checkpoint's update count.</summary>
    private static int AssertLoadable(string dir)
    {
        var resumed = Checkpoint.Resume(dir);
        using (resumed)
        {
            Assert.NotNull(TrainedPolicy.Load(dir));
            // What Python's safetensors reads: the model file alone is always complete.
            Assert.NotEmpty(Safetensors.Load(Path.Combine(dir, Checkpoint.ModelFileName)).Tensors);
            return resumed.Learner.Progress.Updates;
        }
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Save_KilledAtStep_FolderLoadsTheOldOrTheNewCheckpoint(string step)
    {
        var (old, @new, _) = Agents.Value;
        Checkpoint.Save(old, _dir);
        int before = old.Learner.Progress.Updates, after = @new.Learner.Progress.Updates;

        SaveKilledAt(@new, _dir, step);
        int loaded = AssertLoadable(_dir);
        Assert.True(loaded == before || loaded == after, $"killed at '{step}': loaded update {loaded}, expected {before} or {after}");
        if (step.StartsWith("rename config", StringComparison.Ordinal) || step.StartsWith("sync directory after", StringComparison.Ordinal))
        {
            // The model was already renamed: the load rolls forward to the new pair.
            Assert.Equal(after, loaded);
        }

        // The next save completes normally and leaves no temporary behind.
        Checkpoint.Save(@new, _dir);
        Assert.Equal(after, AssertLoadable(_dir));
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Save_KilledTwiceInARow_FolderStillLoads(string first)
    {
        // A torn folder's next save must not destroy the only complete config before its own renames.
        var (old, @new, newer) = Agents.Value;
        var allowed = new[] { old, @new, newer }.Select(a => a.Learner.Progress.Updates).ToArray();
        foreach (string? second in StepNames.Value.Append<string?>(null))
        {
            CheckpointTestKit.Dispose(_dir);
            Directory.CreateDirectory(_dir);
            Checkpoint.Save(old, _dir);
            SaveKilledAt(@new, _dir, first);
            SaveKilledAt(newer, _dir, second);
            int loaded = AssertLoadable(_dir);
            Assert.True(allowed.Contains(loaded), $"killed at '{first}' then '{second}': loaded update {loaded}");
            if (second is null)
            {
                Assert.Equal(newer.Learner.Progress.Updates, loaded);
            }
        }
    }

    [Fact]
    public void Resume_TornPairWithoutTheConfigTemporary_NamesTheMismatch()
    {
        // A folder torn by something other than our save sequence (files copied by hand) still gets the named error.
        var (old, @new, _) = Agents.Value;
        string other = Path.Combine(_dir, "other");
        Checkpoint.Save(old, _dir);
        Checkpoint.Save(@new, other);
        File.Copy(Path.Combine(other, Checkpoint.ModelFileName), Path.Combine(_dir, Checkpoint.ModelFileName), overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains("come from different saves", e.Message);
    }

    [Fact]
    public void Resume_FlippedBitInATensor_NamesTheTensorAndTheFile()
    {
        Checkpoint.Save(Agents.Value.New, _dir);
        string model = Path.Combine(_dir, Checkpoint.ModelFileName);
        byte[] bytes = File.ReadAllBytes(model);
        bytes[^3] ^= 0x04; // inside the last tensor's data
        File.WriteAllBytes(model, bytes);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains(model, e.Message);
        Assert.Contains("fails its checksum", e.Message);
        Assert.Matches("tensor '[^']+'", e.Message);
        Assert.Throws<InvalidDataException>(() => TrainedPolicy.Load(_dir));
    }

    [Fact]
    public void Save_WritesAChecksumPerTensor()
    {
        Checkpoint.Save(Agents.Value.Old, _dir);
        var file = Safetensors.Load(Path.Combine(_dir, Checkpoint.ModelFileName));
        foreach (var t in file.Tensors)
        {
            Assert.True(file.Metadata.ContainsKey(SafetensorsChecksums.KeyPrefix + t.Name), $"no checksum for {t.Name}");
        }
    }
}
