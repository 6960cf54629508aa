using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Tests;

public sealed class ActionErrorTests
{
    public static TheoryData<string, double[]> InvalidActions => new()
    {
        { "CartPole-v1", [2.0] },
        { "CartPole-v1", [-1.0] },
        { "CartPole-v1", [0.5] },
        { "CartPole-v1", [double.NaN] },
        { "CartPole-v1", [0.0, 1.0] },
        { "CartPole-v1", [] },
        { "CartPole-v0", [2.0] },
        { "Acrobot-v1", [3.0] },
        { "Acrobot-v1", [double.PositiveInfinity] },
        { "MountainCar-v0", [1.25] },
        { "MountainCar-v0", [double.NaN] },
        { "Pendulum-v1", [double.NaN] },
        { "Pendulum-v1", [0.0, 0.0] },
        { "Pendulum-v1", [] },
        { "MountainCarContinuous-v0", [double.NaN] },
        { "MountainCarContinuous-v0", [1.0, 1.0] },
        { "CartPoleSwingUp-v0", [double.NaN] },
        { "CartPoleSwingUp-v0", [] },
    };

    [Theory]
    [MemberData(nameof(InvalidActions))]
    public void SingleStep_InvalidAction_ThrowsNamingEnvActionAndSpace(string id, double[] action)
    {
        var env = Gym.Make(id);
        env.Reset(seed: 1);
        var ex = Assert.Throws<ArgumentException>(() => env.Step(action));
        Assert.Contains(id, ex.Message);
        Assert.Contains(env.ActionSpace.ToString(), ex.Message);
        if (action.Length == 1)
        {
            Assert.Contains(action[0].ToString("R", System.Globalization.CultureInfo.InvariantCulture), ex.Message);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidActions))]
    public void VectorStep_InvalidAction_ThrowsAndStepsNothing(string id, double[] action)
    {
        var vec = Gym.MakeVector(id, 3, seed: 5);
        var obs = new double[3 * vec.ObservationSize];
        vec.Reset(obs);
        var before = (double[])obs.Clone();
        var actions = new double[(2 * vec.ActionSize) + action.Length];
        actions.AsSpan(0, 2 * vec.ActionSize).Fill(vec.SingleActionSpace is Discrete ? 1.0 : 0.5);
        action.CopyTo(actions, 2 * vec.ActionSize);
        var ex = Assert.Throws<ArgumentException>(() => vec.Step(actions, obs, new double[3], new bool[3], new bool[3]));
        Assert.Contains(id, ex.Message);
        Assert.Contains(vec.SingleActionSpace.ToString(), ex.Message);
        Assert.Equal(before, obs);

        // A valid step afterwards still works: the failed call left the envs untouched.
        var valid = new double[3 * vec.ActionSize];
        vec.Step(valid, obs, new double[3], new bool[3], new bool[3]);
    }

    [Fact]
    public void VectorStep_InvalidActionInOneRow_NamesTheEnvIndex()
    {
        var vec = Gym.MakeVector("CartPole-v1", 4, seed: 0);
        var obs = new double[4 * 4];
        vec.Reset(obs);
        var ex = Assert.Throws<ArgumentException>(() => vec.Step([0, 1, 7, 0], obs, new double[4], new bool[4], new bool[4]));
        Assert.Contains("env 2", ex.Message);
        Assert.Contains("7", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Fixtures.Ids), MemberType = typeof(Fixtures))]
    public void Step_BeforeReset_ThrowsInvalidOperation(string id)
    {
        var env = Gym.Make(id);
        var action = new double[env.ActionSpace.FlatSize];
        Assert.Throws<InvalidOperationException>(() => env.Step(action));
        var vec = Gym.MakeVector(id, 2);
        Assert.Throws<InvalidOperationException>(() => vec.Step(new double[2 * vec.ActionSize], new double[2 * vec.ObservationSize], new double[2], new bool[2], new bool[2]));
    }

    [Fact]
    public void BoxAction_OutOfRange_IsClippedLikeGymnasium()
    {
        var a = Gym.Make("Pendulum-v1");
        var b = Gym.Make("Pendulum-v1");
        a.Reset(seed: 3);
        b.Reset(seed: 3);
        var big = a.Step([5.0]);
        var max = b.Step([2.0]);
        Assert.Equal(max.Observation, big.Observation);
        Assert.Equal(max.Reward, big.Reward);
    }

    [Fact]
    public void MountainCarContinuous_RewardUsesUnclippedAction()
    {
        var a = Gym.Make("MountainCarContinuous-v0");
        var b = Gym.Make("MountainCarContinuous-v0");
        a.Reset(seed: 0);
        b.Reset(seed: 0);
        var over = a.Step([3.0]);
        var max = b.Step([1.0]);
        Assert.Equal(max.Observation, over.Observation);
        Assert.Equal(-Math.Pow(3.0, 2) * 0.1, over.Reward);
        Assert.Equal(-0.1, max.Reward);
    }

    [Fact]
    public void Make_UnknownId_ThrowsListingKnownIds()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gym.Make("CartPole-v9"));
        Assert.Contains("CartPole-v9", ex.Message);
        Assert.Contains("CartPole-v1", ex.Message);
        Assert.Contains("MountainCarContinuous-v0", ex.Message);
        Assert.Throws<ArgumentException>(() => Gym.MakeVector("nope", 2));
    }

    [Fact]
    public void Make_NonPositiveLimitOrCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Gym.Make("CartPole-v1", maxEpisodeSteps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gym.MakeVector("CartPole-v1", 0));
    }

    [Fact]
    public void SetState_WrongLength_Throws()
    {
        var env = (IStatefulEnv)Gym.Make("CartPole-v1");
        Assert.Throws<ArgumentException>(() => env.SetState([0.0, 0.0], new double[4]));
    }
}
