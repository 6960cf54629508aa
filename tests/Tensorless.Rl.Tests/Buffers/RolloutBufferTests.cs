using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;

namespace Tensorless.Rl.Tests.Buffers;

public sealed class RolloutBufferTests
{
    [Fact]
    public void Constructor_Sizes_ExposesShapeAndArrayLengths()
    {
        var buffer = new RolloutBuffer(steps: 5, numEnvs: 3, observationSize: 4, actionSize: 2);
        Assert.Equal((5, 3, 4, 2, 15), (buffer.Steps, buffer.NumEnvs, buffer.ObservationSize, buffer.ActionSize, buffer.Count));
        Assert.Equal(60, buffer.Observations.Length);
        Assert.Equal(60, buffer.FinalObservations.Length);
        Assert.Equal(12, buffer.LastObservations.Length);
        Assert.Equal(30, buffer.Actions.Length);
        Assert.Equal(15, buffer.Rewards.Length);
        Assert.Equal(3, buffer.LastValues.Length);
    }

    [Theory]
    [InlineData(0, 1, 1, 1)]
    [InlineData(1, 0, 1, 1)]
    [InlineData(1, 1, 0, 1)]
    [InlineData(1, 1, 1, 0)]
    public void Constructor_NonPositiveSize_Throws(int steps, int numEnvs, int obs, int act)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RolloutBuffer(steps, numEnvs, obs, act));
    }

    [Fact]
    public void WriteStep_ThenGather_CopiesRowsOfFlatIndices()
    {
        var buffer = Filled(out _);
        int[] indices = [5, 0, 3];
        double[] obs = new double[6], act = new double[3], logp = new double[3], adv = new double[3], ret = new double[3], val = new double[3];
        buffer.Advantages[5] = 50;
        buffer.Returns[3] = 33;
        buffer.Gather(indices, obs, act, logp, adv, ret, val);

        // Sample 5 = (t = 2, env = 1): observation (t * 10 + env, -(t * 10 + env)), action t * 10 + env + 0.5.
        Assert.Equal([21.0, -21.0, 0.0, -0.0, 11.0, -11.0], obs);
        Assert.Equal([21.5, 0.5, 11.5], act);
        Assert.Equal([-21.0, 0.0, -11.0], logp);
        Assert.Equal([210.0, 0.0, 110.0], val);
        Assert.Equal(50.0, adv[0]);
        Assert.Equal(33.0, ret[2]);
    }

    [Fact]
    public void Gather_EmptyDestinations_AreSkipped()
    {
        var buffer = Filled(out _);
        double[] obs = new double[2];
        buffer.Gather([1], obs, default, default, default, default);
        Assert.Equal([1.0, -1.0], obs);
    }

    [Fact]
    public void Gather_WrongLengthOrIndex_Throws()
    {
        var buffer = Filled(out _);
        var e = Assert.Throws<ArgumentException>(() => buffer.Gather([1, 2], new double[3], default, default, default, default));
        Assert.Equal("observations", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Gather([6], new double[2], default, default, default, default));
    }

    [Fact]
    public void Gather_SteadyState_AllocatesNothing()
    {
        var buffer = Filled(out _);
        int[] indices = [5, 0, 3];
        double[] obs = new double[6], act = new double[3], logp = new double[3];
        Assert.Equal(0, Tensorless.Tests.AllocationProbe.SteadyStateBytes(() => buffer.Gather(indices, obs, act, logp, default, default)));
    }

    [Fact]
    public void WriteStep_TruncatedEnv_KeepsFinalObservationAndMarksTruncationValueNaN()
    {
        var buffer = Filled(out double[] final);
        // Step 1 truncated env 0 (final obs 100, 101) and terminated+truncated env 1 (no truncation bootstrap).
        Assert.Equal(1, buffer.CountTruncated());
        Span<int> indices = stackalloc int[1];
        Assert.Equal(1, buffer.CopyTruncatedIndices(indices));
        Assert.Equal(2, indices[0]);
        double[] rows = new double[2];
        buffer.GatherFinalObservations(indices, rows);
        Assert.Equal([100.0, 101.0], rows);
        Assert.True(double.IsNaN(buffer.TruncationValues[2]));
        buffer.ScatterTruncationValues(indices, [7.5]);
        Assert.Equal(7.5, buffer.TruncationValues[2]);
        Assert.Equal(4, final.Length);
    }

    [Fact]
    public void WriteStep_TruncatedWithoutFinalObservations_ThrowsNamingFinalObservations()
    {
        var buffer = new RolloutBuffer(1, 1, 1, 1);
        var e = Assert.Throws<ArgumentException>(() => buffer.WriteStep(0, [0], [0], [0], [false], [true], [0], [0]));
        Assert.Equal("finalObservations", e.ParamName);
    }

    [Fact]
    public void WriteStep_StepOutOfRange_Throws()
    {
        var buffer = new RolloutBuffer(2, 1, 1, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.WriteStep(2, [0], [0], [0], [false], [false], [0], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.WriteStep(-1, [0], [0], [0], [false], [false], [0], [0]));
    }

    [Fact]
    public void ComputeAdvantages_Gae_UsesStoredArraysAndLastValues()
    {
        // One env, two steps, no boundaries, gamma = 0.5, lambda = 1: A1 = 1 + 0.5 * 4 - 0 = 3, A0 = 1 + 0.5 * 0 - 0 + 0.5 * 3 = 2.5.
        var buffer = new RolloutBuffer(2, 1, 1, 1);
        buffer.WriteStep(0, [0], [0], [1], [false], [false], [0], [0]);
        buffer.WriteStep(1, [0], [0], [1], [false], [false], [0], [0]);
        buffer.LastValues[0] = 4;
        buffer.ComputeAdvantages(AdvantageEstimator.Gae, 0.5, 1.0);
        Assert.Equal([2.5, 3.0], buffer.Advantages.ToArray());
        Assert.Equal([2.5, 3.0], buffer.Returns.ToArray());
    }

    [Fact]
    public void Clear_ResetsEverything()
    {
        var buffer = Filled(out _);
        buffer.Clear();
        Assert.All(buffer.Observations.ToArray(), v => Assert.Equal(0.0, v));
        Assert.All(buffer.Terminated.ToArray(), Assert.False);
        Assert.All(buffer.TruncationValues.ToArray(), v => Assert.True(double.IsNaN(v)));
    }

    // T = 3, N = 2, obs size 2, action size 1; sample (t, env) has observation (k, -k), action k + 0.5, value 10 k,
    // log-prob -k with k = 10 t + env.
    private static RolloutBuffer Filled(out double[] final)
    {
        var buffer = new RolloutBuffer(3, 2, 2, 1);
        final = [100, 101, 200, 201];
        for (int t = 0; t < 3; t++)
        {
            double k0 = 10 * t, k1 = (10 * t) + 1;
            bool[] terminated = t == 1 ? [false, true] : [false, false];
            bool[] truncated = t == 1 ? [true, true] : [false, false];
            buffer.WriteStep(t, [k0, -k0, k1, -k1], [k0 + 0.5, k1 + 0.5], [1, 1], terminated, truncated, [10 * k0, 10 * k1], [-k0, -k1], t == 1 ? final : default);
        }

        return buffer;
    }
}
