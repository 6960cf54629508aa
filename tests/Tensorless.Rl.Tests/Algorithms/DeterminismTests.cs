using Tensorless.Envs;
using Tensorless.Rl.Algorithms;

namespace Tensorless.Rl.Tests.Algorithms;

public class DeterminismTests
{
    [Fact]
    public void Ppo_SameSeedTwice_BitIdenticalParameters()
    {
        var a = TrainPpo(seed: 3);
        var b = TrainPpo(seed: 3);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Ppo_DifferentSeeds_DifferentParameters() => Assert.NotEqual(TrainPpo(seed: 3), TrainPpo(seed: 4));

    [Fact]
    public void A2c_SameSeedTwice_BitIdenticalParameters()
    {
        var a = TrainA2c(seed: 5);
        var b = TrainA2c(seed: 5);
        Assert.Equal(a, b);
    }

    [Fact]
    public void PpoGaussian_SameSeedTwice_BitIdenticalParameters()
    {
        static double[] Train()
        {
            var env = Gym.MakeVector("Pendulum-v1", 2, seed: 9);
            var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumSteps = 64, Seed = 9, NormalizeObservations = true, NormalizeRewards = true }, MinibatchSize = 32, NumEpochs = 2 });
            ppo.Learn(512);
            return Flatten(ppo.Policy.Parameters);
        }

        Assert.Equal(Train(), Train());
    }

    private static double[] TrainPpo(ulong seed)
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed);
        var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumSteps = 32, Seed = seed }, MinibatchSize = 64, NumEpochs = 2 });
        ppo.Learn(1024);
        return Flatten(ppo.Policy.Parameters);
    }

    private static double[] TrainA2c(ulong seed)
    {
        var env = Gym.MakeVector("CartPole-v1", 4, seed);
        var a2c = new A2c(env, new A2cOptions { OnPolicy = A2cOptions.Defaults with { Seed = seed } });
        a2c.Learn(1000);
        return Flatten(a2c.Policy.Parameters);
    }

    internal static double[] Flatten(Tensorless.Autodiff.Nn.ParameterSet parameters)
    {
        var values = new double[parameters.TotalLength];
        parameters.CopyValuesTo(values);
        return values;
    }
}
