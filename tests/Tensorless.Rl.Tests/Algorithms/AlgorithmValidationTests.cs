using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Tests.Algorithms;

public class AlgorithmValidationTests
{
    [Fact]
    public void Ppo_MinibatchNotDividingRollout_NamesMinibatchSize()
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => new Ppo(env, new PpoOptions { OnPolicy = new() { NumSteps = 10 }, MinibatchSize = 16 }));
        Assert.Contains("MinibatchSize", ex.Message);
    }

    [Fact]
    public void Ppo_GammaAboveOne_NamesGamma()
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => new Ppo(env, new PpoOptions { OnPolicy = new() { Gamma = 1.5 } }));
        Assert.Contains("Gamma", ex.Message);
    }

    [Fact]
    public void SeparateValueFit_WithSharedTrunk_IsRejected()
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var options = new A2cOptions { OnPolicy = A2cOptions.Defaults with { TrainValueIterations = 5, Policy = new PolicyOptions { SharedTrunk = true } } };
        var ex = Assert.Throws<ArgumentException>(() => new A2c(env, options));
        Assert.Contains("SharedTrunk", ex.Message);
    }

    [Fact]
    public void Ppo_NumEnvsTakenFromEnv()
    {
        var env = Gym.MakeVector("CartPole-v1", 3, seed: 1);
        var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumEnvs = 8, NumSteps = 8 }, MinibatchSize = 8 });
        Assert.Equal(3, ppo.Options.OnPolicy.NumEnvs);
    }
}
