using Tensorless.Rl.Sweeps;

namespace Tensorless.Rl.Tests.Sweeps;

public class SweepSpecTests
{
    [Fact]
    public void Configurations_Grid_EveryCombinationLastAxisFastest()
    {
        var spec = new SweepSpec { Grid = [SweepAxis.Parse("learning_rate=1e-3,3e-4"), SweepAxis.Parse("gamma=0.99,0.999")] };

        string[] labels = [.. spec.Configurations().Select(c => c.Label)];

        Assert.Equal(["learning_rate=1e-3, gamma=0.99", "learning_rate=1e-3, gamma=0.999", "learning_rate=3e-4, gamma=0.99", "learning_rate=3e-4, gamma=0.999"], labels);
        Assert.Equal("learning_rate=1e-3__gamma=0.99", spec.Configurations()[0].Slug);
    }

    [Fact]
    public void AxisParse_BracketedValues_KeepTheirCommas()
    {
        var axis = SweepAxis.Parse("policy.hidden_sizes=[64,64],[128]");

        Assert.Equal(["[64,64]", "[128]"], axis.Values);
        Assert.DoesNotContain('[', new SweepConfiguration([new SweepSetting(axis.Key, axis.Values[0])]).Slug);
    }

    [Fact]
    public void ParseSeeds_RangesAndLists_InOrder()
    {
        Assert.Equal([1UL, 2, 3, 7, 10, 11], SweepSpec.ParseSeeds("1-3,7,10-11"));
        Assert.Throws<ArgumentException>(() => SweepSpec.ParseSeeds("1-x"));
    }

    [Fact]
    public void Parse_ToJson_RoundTrips()
    {
        var spec = SweepSpec.Parse("""{"preset": "ppo-cartpole", "total_steps": 4096, "target": "none", "grid": {"learning_rate": [1e-3, "3e-4"]}, "seeds": "1-3", "set": ["n_epochs=2"]}""");

        Assert.True(spec.NoTarget);
        Assert.Equal(["1e-3", "3e-4"], spec.Grid[0].Values);
        Assert.Equal(6, spec.Members("s").Count);
        Assert.Equal(spec.ToJson(), SweepSpec.Parse(spec.ToJson()).ToJson());
        Assert.Throws<ArgumentException>(() => SweepSpec.Parse("""{"gird": {}}"""));
    }

    [Fact]
    public void Members_RequestCarriesOverridesSeedAndDirectory()
    {
        var spec = new SweepSpec { Preset = "ppo-cartpole", Set = ["n_epochs=2"], Grid = [SweepAxis.Parse("gamma=0.9")], Seeds = [4] };
        var member = spec.Members("out").Single();

        var request = spec.Request(member);

        Assert.Equal(Path.Combine("out", "gamma=0.9", "seed4"), request.OutputDirectory);
        Assert.Equal(["n_epochs=2", "gamma=0.9"], request.Overrides);
        Assert.Equal(4UL, request.Seed);
    }

    [Fact]
    public void RandomSearch_SameSeed_SameDistinctDraws()
    {
        var spec = new SweepSpec { Grid = [SweepAxis.Parse("learning_rate=log:1e-4:1e-2"), SweepAxis.Parse("gamma=0.9,0.99")], RandomSamples = 5, RandomSeed = 3 };

        var a = spec.Configurations().Select(c => c.Label).ToArray();

        Assert.Equal(5, a.Distinct().Count());
        Assert.Equal(a, spec.Configurations().Select(c => c.Label));
        Assert.Throws<ArgumentException>(() => (spec with { RandomSamples = null }).Configurations());
    }

    [Fact]
    public void Presets_SeedStudies_HaveTheSeedsSizes()
    {
        Assert.Equal(36, SweepPresets.Get("seed-000-grid").Configurations().Count);
        Assert.Equal(180, SweepPresets.Get("seed-000-grid").Members("x").Count);
        Assert.Equal(36, SweepPresets.Get("seed-001-swingup-36").Members("x").Count);
        foreach (var spec in SweepPresets.All.Values)
        {
            // Every member's request resolves (preset, keys and values valid) without training.
            using var run = TrainingRun.Prepare(spec.Request(spec.Members("x")[^1]) with { Threads = 1 });
        }
    }
}
