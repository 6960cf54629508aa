using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Runs;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>TRPO's and NPG's options: each invalid value is rejected with its name; defaults, presets and overrides.</summary>
public class TrpoOptionsTests
{
    public static TheoryData<string, Func<TrpoOptions, TrpoOptions>> InvalidTrpo() => new()
    {
        { "TargetKl", o => o with { TargetKl = 0 } },
        { "CgMaxSteps", o => o with { CgMaxSteps = 0 } },
        { "CgDamping", o => o with { CgDamping = -0.1 } },
        { "LineSearchShrinkingFactor", o => o with { LineSearchShrinkingFactor = 1.0 } },
        { "LineSearchMaxIter", o => o with { LineSearchMaxIter = 0 } },
        { "NumCriticUpdates", o => o with { NumCriticUpdates = 0 } },
        { "MinibatchSize", o => o with { MinibatchSize = 100 } },
        { "EntCoef", o => o with { OnPolicy = o.OnPolicy with { EntCoef = 0.01 } } },
        { "TrainValueIterations", o => o with { OnPolicy = o.OnPolicy with { TrainValueIterations = 5 } } },
        { "Policy.SharedTrunk", o => o with { OnPolicy = o.OnPolicy with { Policy = new PolicyOptions { SharedTrunk = true } } } },
        { "Gamma", o => o with { OnPolicy = o.OnPolicy with { Gamma = 2 } } },
    };

    [Theory]
    [MemberData(nameof(InvalidTrpo))]
    public void Trpo_InvalidOption_NamesIt(string name, Func<TrpoOptions, TrpoOptions> change)
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var options = change(new TrpoOptions { OnPolicy = TrpoOptions.Defaults with { NumSteps = 64 } });
        var ex = Assert.Throws<ArgumentException>(() => new Trpo(env, options));
        Assert.Contains(name, ex.Message);
    }

    [Fact]
    public void Npg_InvalidTargetKl_NamesIt()
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => new Npg(env, new NpgOptions { OnPolicy = TrpoOptions.Defaults with { NumSteps = 64 }, TargetKl = -1 }));
        Assert.Contains("TargetKl", ex.Message);
    }

    [Fact]
    public void Defaults_AreSb3ContribTrpo()
    {
        var o = new TrpoOptions();
        Assert.Equal((0.01, 15, 0.1, 0.8, 10, 10, 128), (o.TargetKl, o.CgMaxSteps, o.CgDamping, o.LineSearchShrinkingFactor, o.LineSearchMaxIter, o.NumCriticUpdates, o.MinibatchSize));
        Assert.Equal((2048, 0.99, 0.95, 1e-3, true), (o.OnPolicy.NumSteps, o.OnPolicy.Gamma, o.OnPolicy.GaeLambda, o.OnPolicy.LearningRate, o.OnPolicy.NormalizeAdvantage));
        Assert.Null(o.OnPolicy.MaxGradNorm);
    }

    [Fact]
    public void Registry_HasTrpoAndNpgWithTheirPresetsAndDefaults()
    {
        var trpo = AlgorithmRegistry.Get("trpo");
        var npg = AlgorithmRegistry.Get("npg");
        Assert.Equal(typeof(TrpoOptions), trpo.OptionsType);
        Assert.Equal(typeof(NpgOptions), npg.OptionsType);
        Assert.Equal("trpo-cartpole", trpo.DefaultPresets["CartPole-v1"]);
        Assert.Equal("trpo-pendulum", trpo.DefaultPresets["Pendulum-v1"]);
        Assert.Equal("npg-cartpole", npg.DefaultPresets["CartPole-v1"]);
        foreach (var preset in trpo.Presets.Concat(npg.Presets))
        {
            preset.Options.Validate();
        }
    }

    [Fact]
    public void Overrides_ReachTrpoOptionsAndTheSharedOnes()
    {
        var o = (TrpoOptions)OptionOverrides.Apply(new TrpoOptions(), ["cg_damping=0.05", "line_search_max_iter=4", "batch_size=64", "gamma=0.9"]);
        Assert.Equal((0.05, 4, 64, 0.9), (o.CgDamping, o.LineSearchMaxIter, o.MinibatchSize, o.OnPolicy.Gamma));
    }
}
