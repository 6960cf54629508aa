using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// Short PPO and A2C runs whose final parameters were hashed before the architecture refactor (issue 8): any change to
/// the arithmetic, its order, the generator streams or the option defaults shows here as a different hash.
/// </summary>
public class PinnedResultTests
{
    [Fact]
    public void Ppo_CartPoleClip_SameBitsAsBeforeRefactor()
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed: 11);
        using var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumSteps = 32, Seed = 11, LearningRateSchedule = Schedule.Linear, EntCoef = 0.01 }, MinibatchSize = 32, NumEpochs = 3, ClipRangeSchedule = Schedule.Linear, ClipRangeVf = 0.2 });
        ppo.Learn(1024);
        Assert.Equal("25DA8CBD18E30A0A2AA5CE4D994152CD24A88A038BBB00C3C8A71B431C273A62", Hash(ppo));
    }

    [Fact]
    public void Ppo_CartPoleTwoThreads_SameBitsAsBeforeRefactor()
    {
        var env = Gym.MakeVector("CartPole-v1", 8, seed: 12);
        using var ppo = new Ppo(env, PpoOptions.Preset("ppo-cartpole").With(o => o with { Seed = 12, Threads = 2 }));
        ppo.Learn(2048);
        Assert.Equal("D78FB63C9CAC84D97920F9754ACB2AFE463298BCF487474D95E18473BFAFECD8", Hash(ppo));
    }

    [Fact]
    public void Ppo_PendulumNormalisedAdaptiveKl_SameBitsAsBeforeRefactor()
    {
        var env = Gym.MakeVector("Pendulum-v1", 2, seed: 13);
        using var ppo = new Ppo(env, new PpoOptions
        {
            OnPolicy = new() { NumSteps = 64, Seed = 13, NormalizeObservations = true, NormalizeRewards = true },
            MinibatchSize = 32, NumEpochs = 2, PolicyObjective = PolicyObjective.AdaptiveKlPenalty, TargetKl = 0.05,
        });
        ppo.Learn(512);
        Assert.Equal("D3EB79FA896D7CF427DDC6AB10F082D238CD4221AC05507CC6447B67D6FAC33B", Hash(ppo));
    }

    [Fact]
    public void Ppo_SeedVariantSeparateValueFit_SameBitsAsBeforeRefactor()
    {
        var env = Gym.MakeVector("CartPole-v0", 2, seed: 14);
        var preset = PpoOptions.Preset("seed-ppo-cartpole");
        using var ppo = new Ppo(env, (preset with { MinibatchSize = 128, NumEpochs = 5 }).With(o => o with { NumEnvs = 2, NumSteps = 64, TrainValueIterations = 5, Seed = 14 }));
        ppo.Learn(256);
        Assert.Equal("8D5E11C2ABA240259E5B1AE8077F890F2767E2D8224DFBEA2D71B7E2F68EEA46", Hash(ppo));
    }

    [Fact]
    public void A2c_CartPole_SameBitsAsBeforeRefactor()
    {
        var env = Gym.MakeVector("CartPole-v1", 8, seed: 15);
        using var a2c = new A2c(env, A2cOptions.Preset("a2c-cartpole").With(o => o with { Seed = 15 }));
        a2c.Learn(2000);
        Assert.Equal("BF7ECC4D8163ACC2BF7F34288BC735F4E3A72A9244AFAAC66EA25BAD844EA6BC", Hash(a2c));
    }

    [Fact]
    public void A2c_SeedVariantSwingUpTwoThreads_SameBitsAsBeforeRefactor()
    {
        var env = Gym.MakeVector("CartPoleSwingUp-v0", 2, seed: 16);
        var preset = A2cOptions.Preset("seed-a2c-swingup");
        using var a2c = new A2c(env, preset.With(o => o with { NumEnvs = 2, NumSteps = 100, TrainValueIterations = 4, Seed = 16, Threads = 2 }));
        a2c.Learn(400);
        Assert.Equal("8F1003495C89944B36FEFF58EF97D44E5DB516E360A34197D5DBCF3BDF2B481B", Hash(a2c));
    }

    /// <summary>SHA-256 of every parameter's doubles, in the policy's parameter order, as hex.</summary>
    private static string Hash(IOnPolicyAlgorithm agent)
    {
        var values = DeterminismTests.Flatten(agent.Policy.Parameters);
        return Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan())));
    }
}
