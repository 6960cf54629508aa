using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Algorithms;

public class DivergenceTests
{
    [Fact]
    public void Ppo_NaNReward_StopsAtTheFirstUpdateNamingIt()
    {
        var env = new SyncVectorEnv([new NaNRewardEnv(), new NaNRewardEnv()], seed: 1);
        using var ppo = new Ppo(env, new PpoOptions { OnPolicy = new() { NumSteps = 8 }, MinibatchSize = 8, NumEpochs = 1 });
        var ex = Assert.Throws<TrainingDivergedException>(() => ppo.Learn(64));
        Assert.Equal(1, ex.Update);
        Assert.Contains("update 1", ex.Message);
        Assert.Contains("not finite", ex.Message);
    }

    [Fact]
    public void A2c_NaNReward_StopsAtTheFirstUpdate()
    {
        var env = new SyncVectorEnv([new NaNRewardEnv()], seed: 1);
        using var a2c = new A2c(env, new A2cOptions { OnPolicy = A2cOptions.Defaults with { NumSteps = 4 } });
        Assert.Equal(1, Assert.Throws<TrainingDivergedException>(() => a2c.Learn(64)).Update);
    }

    /// <summary>A one-dimensional env whose third step pays a NaN reward, as a broken simulator might.</summary>
    internal sealed class NaNRewardEnv : IEnv
    {
        private int _t;

        public string Id => "NaNReward-v0";

        public Space ObservationSpace { get; } = new Box([-1.0], [1.0], [1]);

        public Space ActionSpace { get; } = new Discrete(2);

        public int? MaxEpisodeSteps => null;

        public void Reset(Span<double> observation, ulong? seed = null)
        {
            _t = 0;
            observation[0] = 0;
        }

        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            _t++;
            observation[0] = 0.1 * action[0];
            return new StepResult(_t == 3 ? double.NaN : 1.0, false, false);
        }
    }
}
