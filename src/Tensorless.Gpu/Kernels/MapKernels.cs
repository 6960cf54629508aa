using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>Device bodies of the element-wise maps, their backward rules and the bias broadcasts, one thread per element (or per column).</summary>
internal static class MapKernels
{
    public static void Tanh(Index1D i, ArrayView<double> x, ArrayView<double> dst) => dst[i] = Math.Tanh(x[i]);

    // TensorPrimitives.Max(x, 0): NaN stays NaN, -0 becomes +0
    public static void Relu(Index1D i, ArrayView<double> x, ArrayView<double> dst)
    {
        double v = x[i];
        dst[i] = double.IsNaN(v) || v > 0.0 ? v : 0.0;
    }

    // a float32 observation held in a double, as the CPU envs write them (NumPy.F32)
    public static void RoundToFloat32(Index1D i, ArrayView<double> x, ArrayView<double> dst) => dst[i] = (double)(float)x[i];

    public static void Scale(Index1D i, ArrayView<double> x, double c, ArrayView<double> dst) => dst[i] = x[i] * c;

    public static void Add(Index1D i, ArrayView<double> x, ArrayView<double> y, ArrayView<double> dst) => dst[i] = x[i] + y[i];

    public static void Accumulate(Index1D i, ArrayView<double> g, ArrayView<double> acc) => acc[i] = acc[i] + g[i];

    // g * c + acc, two roundings (TensorPrimitives.MultiplyAdd)
    public static void AccumulateScaled(Index1D i, ArrayView<double> g, double c, ArrayView<double> acc) => acc[i] = (g[i] * c) + acc[i];

    // TanhGradient: acc + g (1 - y y)
    public static void TanhBackward(Index1D i, ArrayView<double> g, ArrayView<double> y, ArrayView<double> acc)
    {
        double yi = y[i];
        acc[i] = acc[i] + (g[i] * (1.0 - (yi * yi)));
    }

    // ReluGradient: acc + (a > 0 ? g : 0)
    public static void ReluBackward(Index1D i, ArrayView<double> g, ArrayView<double> a, ArrayView<double> acc) =>
        acc[i] = acc[i] + (a[i] > 0.0 ? g[i] : 0.0);

    // per batch member its own row: member = i / memberSize, where memberSize = rows x cols of one member
    public static void AddRowToEachRow(Index1D i, ArrayView<double> x, ArrayView<double> row, ArrayView<double> dst, int cols, int memberSize) =>
        dst[i] = x[i] + row[((i / memberSize) * cols) + (i % cols)];

    // per batch member its own row copied to each of its rows (memberSize = rows x cols of one member)
    public static void BroadcastRow(Index1D i, ArrayView<double> row, ArrayView<double> dst, int cols, int memberSize) =>
        dst[i] = row[((i / memberSize) * cols) + (i % cols)];

    // one thread per column of each batch member, adding the member's rows in order (ReductionKernels.AccumulateColumnSums' order)
    public static void AccumulateColumnSums(Index1D j, ArrayView<double> g, ArrayView<double> acc, int rows, int cols)
    {
        int member = j / cols;
        int first = (member * rows * cols) + (j - (member * cols));
        double sum = acc[j];
        for (int r = 0; r < rows; r++)
        {
            sum += g[first + (r * cols)];
        }

        acc[j] = sum;
    }
}
