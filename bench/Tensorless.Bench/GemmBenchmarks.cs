using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Bench;

/// <summary>
/// The three GEMM layouts of a linear layer y = x W^T (W is [out x in], PyTorch's layout) at the sizes a CartPole
/// policy uses: the 64x64 hidden layer, the 4x64 input layer and the 64x2 output layer, at batch 16 (rollout), 512 and
/// 2048 (minibatches). Each call does 2 x batch x in x out flops; the GFLOP/s column divides that by the mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private double[] _x = [], _w = [], _y = [], _gy = [], _gx = [], _gw = [];

    /// <summary>Rows of the activation (batch).</summary>
    [Params(16, 512, 2048)]
    public int Batch { get; set; }

    /// <summary>The layer as "in x out".</summary>
    [Params("64x64", "4x64", "64x2")]
    public string Layer { get; set; } = "64x64";

    private int In => int.Parse(Layer.AsSpan(0, Layer.IndexOf('x')));

    private int Out => int.Parse(Layer.AsSpan(Layer.IndexOf('x') + 1));

    /// <summary>Fills the operands from a fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(1);
        _x = new double[Batch * In];
        _w = new double[Out * In];
        _y = new double[Batch * Out];
        _gy = new double[Batch * Out];
        _gx = new double[Batch * In];
        _gw = new double[Out * In];
        rng.FillUniform(_x, -1, 1);
        rng.FillUniform(_w, -1, 1);
        rng.FillUniform(_gy, -1, 1);
    }

    /// <summary>Forward: y[b, out] = x[b, in] * W[out, in]^T (MatMulTransposeB, k = in).</summary>
    [Benchmark]
    public void Forward() => Gemm.MatMulTransposeB(_x, _w, _y, Batch, In, Out);

    /// <summary>Input gradient: gx[b, in] = gy[b, out] * W[out, in] (MatMul, k = out).</summary>
    [Benchmark]
    public void InputGrad() => Gemm.MatMul(_gy, _w, _gx, Batch, Out, In);

    /// <summary>Weight gradient: gW[out, in] = gy[b, out]^T * x[b, in] (MatMulTransposeA, k = batch).</summary>
    [Benchmark]
    public void WeightGrad() => Gemm.MatMulTransposeA(_gy, _x, _gw, Out, Batch, In);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ThroughputColumn("GFLOP/s", 1e9, c =>
            {
                string layer = (string)c.Parameters["Layer"];
                int i = layer.IndexOf('x');
                return 2.0 * ThroughputColumn.Param(c, "Batch") * int.Parse(layer[..i]) * int.Parse(layer[(i + 1)..]);
            }));
        }
    }
}
