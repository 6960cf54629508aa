using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;

namespace Tensorless.Gpu.Tests;

/// <summary>One ILGPU CPU accelerator and its compiled kernels for the whole test run (compiling takes seconds).</summary>
public sealed class IlgpuCpuFixture : IDisposable
{
    public IlgpuCpuFixture()
    {
        Device = GpuDevice.Create(DeviceKind.IlgpuCpu);
        Kernels = new DeviceKernels(Device);
    }

    public GpuDevice Device { get; }

    public DeviceKernels Kernels { get; }

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class IlgpuCpuCollection : ICollectionFixture<IlgpuCpuFixture>
{
    public const string Name = "ilgpu-cpu";
}

/// <summary>
/// A [Fact] that runs only where a device of <paramref name="kind"/> exists and is reported as skipped elsewhere (xunit
/// 2 has no dynamic skip, so the attribute decides when the tests are discovered).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DeviceFactAttribute : FactAttribute
{
    public DeviceFactAttribute(DeviceKind kind)
    {
        if (!GpuDevice.IsAvailable(kind))
        {
            Skip = $"no {kind.ToName()} device here: {GpuDevice.UnavailableReason(kind)}";
        }
    }
}

/// <summary>A [Theory] that runs only where a device of <paramref name="kind"/> exists, reported as skipped elsewhere (as <see cref="DeviceFactAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DeviceTheoryAttribute : TheoryAttribute
{
    public DeviceTheoryAttribute(DeviceKind kind)
    {
        if (!GpuDevice.IsAvailable(kind))
        {
            Skip = $"no {kind.ToName()} device here: {GpuDevice.UnavailableReason(kind)}";
        }
    }
}

/// <summary>Random data, device round trips and comparisons shared by the tests.</summary>
internal static class TestData
{
    public static double[] Random(Xoshiro256 rng, int length, double low = -1.0, double high = 1.0)
    {
        var x = new double[length];
        rng.FillUniform(x, low, high);
        return x;
    }

    public static bool[] Flags(Xoshiro256 rng, int length, double probability)
    {
        var flags = new bool[length];
        for (int i = 0; i < length; i++)
        {
            flags[i] = rng.NextDouble() < probability;
        }

        return flags;
    }

    /// <summary>Asserts bit-equality element by element, naming the case and the first differing index.</summary>
    public static void AssertBitEqual(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: lengths {expected.Length} vs {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail($"{context}: element {i} differs: CPU {expected[i]:R}, device {actual[i]:R}");
            }
        }
    }

    /// <summary>
    /// Asserts |device - cpu| &lt;= tolerance * max(|cpu|, 1) element by element (relative, with an absolute floor at 1 so
    /// values near 0 are not held to a vanishing bound) and returns the largest relative difference seen.
    /// </summary>
    public static double AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance, string context)
    {
        Assert.True(expected.Length == actual.Length, $"{context}: lengths {expected.Length} vs {actual.Length}");
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]) / Math.Max(Math.Abs(expected[i]), 1.0);
            if (!(diff <= tolerance) && !(double.IsNaN(expected[i]) && double.IsNaN(actual[i])))
            {
                Assert.Fail($"{context}: element {i}: CPU {expected[i]:R}, device {actual[i]:R}, relative {diff:E2} > {tolerance:E0}");
            }

            worst = Math.Max(worst, double.IsNaN(diff) ? 0 : diff);
        }

        return worst;
    }
}
