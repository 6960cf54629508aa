using Tensorless.Envs;
using Tensorless.Rl.Algorithms;

namespace Tensorless.Rl.Tests.Algorithms;

public class AlgorithmValidationTests
{
    [Fact]
    public void Ppo_MinibatchNotDividingRollout_NamesBatchSize()
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => new Ppo(env, new PpoOptions { NumSteps = 10, BatchSize = 16 }));
        Assert.Contains("BatchSize", ex.Message);
    }

    [Fact]
    public void Ppo_GammaAboveOne_NamesGamma()
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => new Ppo(env, new PpoOptions { Gamma = 1.5 }));
        Assert.Contains("Gamma", ex.Message);
    }

    [Fact]
    public void SeparateValueFit_WithSharedTrunk_IsRejected()
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 1);
        var options = new A2cOptions { TrainValueIterations = 5, Policy = new PolicyOptions { SharedTrunk = true } };
        var ex = Assert.Throws<ArgumentException>(() => new A2c(env, options));
        Assert.Contains("SharedTrunk", ex.Message);
    }

    [Fact]
    public void Ppo_NumEnvsTakenFromEnv()
    {
        var env = Gym.MakeVector("CartPole-v1", 3, seed: 1);
        var ppo = new Ppo(env, new PpoOptions { NumEnvs = 8, NumSteps = 8, BatchSize = 8 });
        Assert.Equal(3, ppo.Options.NumEnvs);
    }
}
