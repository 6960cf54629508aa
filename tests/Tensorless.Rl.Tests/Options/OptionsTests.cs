using Tensorless.Autodiff.Nn;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Tests.Options;

public sealed class OptionsTests
{
    [Fact]
    public void A2cOptions_Defaults_AreStableBaselines3()
    {
        var a2c = new A2cOptions();
        var o = a2c.OnPolicy;
        Assert.Equal((5, 0.99, 1.0, 0.0, 0.5, 0.5, 7e-4), (o.NumSteps, o.Gamma, o.GaeLambda, o.EntCoef, o.VfCoef, o.MaxGradNorm!.Value, o.LearningRate));
        Assert.Equal((OptimizerKind.RmsProp, 0.99, 1e-5, false), (o.Optimizer, o.RmsPropAlpha, o.OptimizerEps, o.NormalizeAdvantage));
        Assert.Equal(8 * 5, o.RolloutSize);
        a2c.Validate();
    }

    [Fact]
    public void PpoOptions_Defaults_AreStableBaselines3()
    {
        var o = new PpoOptions();
        var s = o.OnPolicy;
        Assert.Equal((2048, 64, 10, 0.99, 0.95, 0.2), (s.RolloutSize, o.MinibatchSize, o.NumEpochs, s.Gamma, s.GaeLambda, o.ClipRange));
        Assert.Equal((0.0, 0.5, 0.5, 3e-4, true, 1e-5), (s.EntCoef, s.VfCoef, s.MaxGradNorm!.Value, s.LearningRate, s.NormalizeAdvantage, s.OptimizerEps));
        Assert.Equal((0.01, 1.0), (o.KlPenaltyTarget, o.KlBetaInit));
        Assert.Null(o.ClipRangeVf);
        Assert.Null(o.TargetKl);
        Assert.Equal(32, o.NumMinibatches);
        o.Validate();
    }

    [Fact]
    public void PolicyOptions_Defaults_AreSb3MlpPolicy()
    {
        var p = new PolicyOptions();
        Assert.Equal([64, 64], p.HiddenSizes);
        Assert.Equal([64, 64], p.EffectiveActorHiddenSizes);
        Assert.Equal((Activation.Tanh, false, true, false, 0.0), (p.Activation, p.SharedTrunk, p.OrthogonalInit, p.ZeroInitLastLayers, p.LogStdInit));
        Assert.Equal([32], (p with { CriticHiddenSizes = [32] }).EffectiveCriticHiddenSizes);
    }

    public static TheoryData<string, A2cOptions> BadA2c => new()
    {
        { "NumEnvs", new A2cOptions { OnPolicy = A2cOptions.Defaults with { NumEnvs = 0 } } },
        { "NumSteps", new A2cOptions { OnPolicy = A2cOptions.Defaults with { NumSteps = -1 } } },
        { "Gamma", new A2cOptions { OnPolicy = A2cOptions.Defaults with { Gamma = 1.5 } } },
        { "GaeLambda", new A2cOptions { OnPolicy = A2cOptions.Defaults with { GaeLambda = double.NaN } } },
        { "NStep", new A2cOptions { OnPolicy = A2cOptions.Defaults with { NStep = 0 } } },
        { "EntCoef", new A2cOptions { OnPolicy = A2cOptions.Defaults with { EntCoef = -0.1 } } },
        { "VfCoef", new A2cOptions { OnPolicy = A2cOptions.Defaults with { VfCoef = double.PositiveInfinity } } },
        { "MaxGradNorm", new A2cOptions { OnPolicy = A2cOptions.Defaults with { MaxGradNorm = 0 } } },
        { "LearningRate", new A2cOptions { OnPolicy = A2cOptions.Defaults with { LearningRate = 0 } } },
        { "OptimizerEps", new A2cOptions { OnPolicy = A2cOptions.Defaults with { OptimizerEps = -1e-5 } } },
        { "RmsPropAlpha", new A2cOptions { OnPolicy = A2cOptions.Defaults with { RmsPropAlpha = 1.2 } } },
        { "RmsPropAlpha", new A2cOptions { OnPolicy = A2cOptions.Defaults with { RmsPropAlpha = 1.0 } } },
        { "TrainValueIterations", new A2cOptions { OnPolicy = A2cOptions.Defaults with { TrainValueIterations = -1 } } },
        { "ValueLearningRate", new A2cOptions { OnPolicy = A2cOptions.Defaults with { ValueLearningRate = -1 } } },
        { "Optimizer", new A2cOptions { OnPolicy = A2cOptions.Defaults with { Optimizer = (OptimizerKind)9 } } },
        { "Policy.HiddenSizes", new A2cOptions { OnPolicy = A2cOptions.Defaults with { Policy = new PolicyOptions { HiddenSizes = [64, 0] } } } },
        { "Policy.LogStdInit", new A2cOptions { OnPolicy = A2cOptions.Defaults with { Policy = new PolicyOptions { LogStdInit = double.NaN } } } },
        { "TrainValueIterations", new A2cOptions { OnPolicy = A2cOptions.Defaults with { TrainValueIterations = 5, Policy = new PolicyOptions { SharedTrunk = true } } } },
    };

    [Theory]
    [MemberData(nameof(BadA2c))]
    public void A2cOptions_BadOption_ValidateThrowsNamingIt(string option, A2cOptions options)
    {
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
    }

    public static TheoryData<string, PpoOptions> BadPpo => new()
    {
        { "MinibatchSize", new PpoOptions { OnPolicy = new() { NumEnvs = 3, NumSteps = 10 }, MinibatchSize = 4 } },
        { "MinibatchSize", new PpoOptions { OnPolicy = new() { NumEnvs = 1, NumSteps = 8 }, MinibatchSize = 1 } },
        { "MinibatchSize", new PpoOptions { MinibatchSize = 0 } },
        { "NumEpochs", new PpoOptions { NumEpochs = 0 } },
        { "ClipRange", new PpoOptions { ClipRange = 0 } },
        { "ClipRange", new PpoOptions { ClipRange = 1 } },
        { "ClipRangeVf", new PpoOptions { ClipRangeVf = -0.2 } },
        { "TargetKl", new PpoOptions { TargetKl = 0 } },
        { "TargetKlFactor", new PpoOptions { TargetKlFactor = 0 } },
        { "KlPenaltyTarget", new PpoOptions { KlPenaltyTarget = -1 } },
        { "KlBetaInit", new PpoOptions { KlBetaInit = 0 } },
        { "Gamma", new PpoOptions { OnPolicy = new() { Gamma = -0.1 } } },
        { "ClipRangeSchedule", new PpoOptions { ClipRangeSchedule = (Schedule)7 } },
        { "PolicyObjective", new PpoOptions { PolicyObjective = (PolicyObjective)7 } },
        { "Policy.ActorHiddenSizes", new PpoOptions { OnPolicy = new() { Policy = new PolicyOptions { SharedTrunk = true, ActorHiddenSizes = [8] } } } },
        { "Policy.HiddenSizes", new PpoOptions { OnPolicy = new() { Policy = new PolicyOptions { SharedTrunk = true, HiddenSizes = [] } } } },
    };

    [Theory]
    [MemberData(nameof(BadPpo))]
    public void PpoOptions_BadOption_ValidateThrowsNamingIt(string option, PpoOptions options)
    {
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(option, e.ParamName);
        Assert.Contains(option, e.Message);
    }

    [Fact]
    public void PpoOptions_MinibatchNotDividingRollout_MessageShowsTheNumbers()
    {
        var e = Assert.Throws<ArgumentException>(new PpoOptions { OnPolicy = new() { NumEnvs = 3, NumSteps = 10 }, MinibatchSize = 4 }.Validate);
        Assert.Contains("MinibatchSize = 4", e.Message);
        Assert.Contains("3 * 10 = 30", e.Message);
    }

    [Fact]
    public void Presets_Every_ValidatesAndIsFoundByName()
    {
        Assert.Equal(
            ["seed-ppo-cartpole", "seed-ppo-swingup", "ppo-cartpole", "ppo-pendulum", "purejaxrl-cartpole", "seed-a2c-cartpole", "seed-a2c-swingup", "lecture-a2c-cartpole", "a2c-cartpole"],
            Presets.Names.Take(9)); // the built-ins; presets of algorithms a test registers come after them
        foreach (string name in Presets.Names)
        {
            TrainingPreset preset = Presets.Get(name);
            Assert.Equal(name, preset.Name);
            preset.Validate();
            Assert.False(string.IsNullOrWhiteSpace(preset.Source));
        }
    }

    [Fact]
    public void Presets_UnknownName_ThrowsListingKnownNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Presets.Get("ppo-cartpol"));
        Assert.Equal("name", e.ParamName);
        foreach (string name in Presets.Names)
        {
            Assert.Contains(name, e.Message);
        }
    }

    [Fact]
    public void Presets_SeedValues_MatchTheBlogPosts()
    {
        OnPolicyOptions a2c = A2cOptions.Preset("seed-a2c-cartpole").OnPolicy;
        Assert.Equal((8, 4052, 0.1, 0.01, 80), (a2c.NumEnvs, a2c.NumSteps, a2c.LearningRate, a2c.ValueLearningRate!.Value, a2c.TrainValueIterations));
        Assert.Empty(a2c.Policy.EffectiveActorHiddenSizes);
        Assert.Equal("CartPole-v0", Presets.Get("seed-a2c-cartpole").EnvId);
        Assert.Equal(100L * 4052 * 8, Presets.Get("seed-a2c-cartpole").TotalSteps);

        PpoOptions ppo = PpoOptions.Preset("seed-ppo-swingup");
        var shared = ppo.OnPolicy;
        Assert.Equal((0.999, 0.99, 0.1, 0.01, 1.0, 80), (shared.Gamma, shared.GaeLambda, ppo.ClipRange, ppo.TargetKl!.Value, ppo.TargetKlFactor, ppo.NumEpochs));
        Assert.Equal((0.01, 0.1, 1), (shared.LearningRate, shared.ValueLearningRate!.Value, ppo.NumMinibatches));
        Assert.Equal(0.5, shared.Policy.LogStdInit); // the seed's log_sigma = 1 was a log-variance
        Assert.True(shared.Policy.ZeroInitLastLayers);
        Assert.Equal(256L * 4052 * 8, Presets.Get("seed-ppo-swingup").TotalSteps);
    }

    [Fact]
    public void Presets_LectureA2c_IsTheTableWithSharedTrunk()
    {
        OnPolicyOptions o = A2cOptions.Preset("lecture-a2c-cartpole").OnPolicy;
        Assert.Equal((16, 128, 3e-4, 0.01, 0.5, 0.5), (o.NumEnvs, o.NumSteps, o.LearningRate, o.EntCoef, o.VfCoef, o.MaxGradNorm!.Value));
        Assert.True(o.Policy.SharedTrunk);
        Assert.Equal([128, 128], o.Policy.HiddenSizes);
        Assert.Equal(Activation.Relu, o.Policy.Activation);
    }

    [Fact]
    public void Preset_WrongAlgorithm_Throws()
    {
        Assert.Throws<ArgumentException>(() => A2cOptions.Preset("ppo-cartpole"));
        Assert.Throws<ArgumentException>(() => PpoOptions.Preset("seed-a2c-cartpole"));
    }

    [Theory]
    [InlineData(Schedule.Constant, 1.0, 3.0)]
    [InlineData(Schedule.Constant, 0.0, 3.0)]
    [InlineData(Schedule.Linear, 1.0, 3.0)]
    [InlineData(Schedule.Linear, 0.25, 0.75)]
    [InlineData(Schedule.Linear, -1.0, 0.0)]
    [InlineData(Schedule.Cosine, 1.0, 3.0)]
    [InlineData(Schedule.Cosine, 0.5, 1.5)]
    [InlineData(Schedule.Cosine, 0.0, 0.0)]
    public void Schedule_Evaluate_FollowsSb3ProgressRemaining(Schedule schedule, double progressRemaining, double expected)
    {
        Assert.Equal(expected, schedule.Evaluate(3.0, progressRemaining), 1e-12);
    }

    [Theory]
    [InlineData(0.001, 0.5)]  // below 0.01 / 1.5: halve
    [InlineData(0.01, 1.0)]   // within the band: keep
    [InlineData(0.014, 1.0)]
    [InlineData(0.02, 2.0)]   // above 0.01 * 1.5: double
    public void AdaptiveKlPenalty_NextBeta_FollowsThePpoPaperRule(double kl, double expected)
    {
        Assert.Equal(expected, AdaptiveKlPenalty.NextBeta(1.0, kl, 0.01));
    }
}
