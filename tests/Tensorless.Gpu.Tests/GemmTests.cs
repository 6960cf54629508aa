using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Gpu.Tests;

/// <summary>The device GEMM against the CPU GEMM: the same bits in all three layouts, overwrite and accumulate.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class GemmTests(IlgpuCpuFixture fixture)
{
    // odd sizes, size 1, n < 4 (the skinny A*B^T dot), k < 4, k >= 16 and k > 256 (the CPU's cache block), k = 0
    internal static readonly (int M, int K, int N)[] Shapes =
    [
        (1, 1, 1), (1, 5, 1), (3, 7, 5), (5, 3, 2), (4, 16, 4), (7, 19, 3), (9, 17, 1), (2, 33, 2), (6, 300, 5),
        (3, 260, 2), (17, 4, 9), (13, 2, 13), (5, 0, 6), (1, 64, 17), (33, 9, 1),
    ];

    [Fact]
    public void Gemm_AllLayoutsRandomShapes_BitIdenticalToCpu() => AllLayoutsBitIdentical(fixture.Kernels, seed: 11);

    [Fact]
    public void Gemm_TiledSharedMemoryKernel_BitIdenticalToCpu() =>
        AllLayoutsBitIdentical(new DeviceKernels(fixture.Device, tiledGemm: true), seed: 14);

    [DeviceFact(DeviceKind.Cuda)]
    public void Gemm_OnCuda_BitIdenticalToCpu() => OnDevice(DeviceKind.Cuda, k => AllLayoutsBitIdentical(k, seed: 12));

    [DeviceFact(DeviceKind.OpenCl)]
    public void Gemm_OnOpenCl_BitIdenticalToCpu() => OnDevice(DeviceKind.OpenCl, k => AllLayoutsBitIdentical(k, seed: 13));

    internal static void OnDevice(DeviceKind kind, Action<DeviceKernels> body)
    {
        using var device = GpuDevice.Create(kind);
        body(new DeviceKernels(device));
    }

    internal static void AllLayoutsBitIdentical(DeviceKernels kernels, int seed)
    {
        var rng = new Xoshiro256((ulong)seed);
        foreach (var (m, k, n) in Shapes)
        {
            foreach (bool accumulate in new[] { false, true })
            {
                for (int layout = 0; layout < 3; layout++)
                {
                    Check(kernels, rng, layout, m, k, n, accumulate, $"seed {seed}, layout {layout}, m={m} k={k} n={n}, accumulate={accumulate}");
                }
            }
        }
    }

    private static void Check(DeviceKernels kernels, Xoshiro256 rng, int layout, int m, int k, int n, bool accumulate, string context)
    {
        var device = kernels.Device;
        var a = TestData.Random(rng, m * k);
        var b = TestData.Random(rng, k * n);
        var c = TestData.Random(rng, m * n);
        if (c.Length > 0)
        {
            c[0] = -0.0; // a -0 in C checks the zero-sign rules of overwrite and accumulate
        }

        var expected = (double[])c.Clone();
        using var da = device.Upload(a);
        using var db = device.Upload(b);
        using var dc = device.Upload(c);
        switch (layout)
        {
            case 0:
                Gemm.MatMul(a, b, expected, m, k, n, accumulate);
                kernels.MatMul(da.View, db.View, dc.View, m, k, n, accumulate);
                break;
            case 1:
                Gemm.MatMulTransposeA(a, b, expected, m, k, n, accumulate);
                kernels.MatMulTransposeA(da.View, db.View, dc.View, m, k, n, accumulate);
                break;
            default:
                Gemm.MatMulTransposeB(a, b, expected, m, k, n, accumulate);
                kernels.MatMulTransposeB(da.View, db.View, dc.View, m, k, n, accumulate);
                break;
        }

        TestData.AssertBitEqual(expected, device.Download(dc.View), context);
    }

    [Fact]
    public void Gemm_ShortView_ThrowsNamingShape()
    {
        using var a = fixture.Device.Allocate(5);
        var e = Assert.Throws<ArgumentException>(() => fixture.Kernels.MatMul(a.View, a.View, a.View, 2, 3, 2));
        Assert.Contains("m=2, k=3, n=2", e.Message);
    }
}
