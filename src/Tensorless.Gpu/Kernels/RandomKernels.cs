using ILGPU;
using Tensorless.Autodiff;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// The two generators of a CPU rollout on a device, with the CPU's bits: NumPy's PCG64 (Tensorless.Envs' <c>Pcg64</c>,
/// each env's reset stream; 128-bit LCG with XSL-RR output, the 128-bit product built from 32-bit halves) and
/// xoshiro256** (Tensorless.Autodiff's <c>Xoshiro256</c>, the learner's action stream). A generator's words live in a
/// device view and are read and written back by the thread that draws from it.
/// </summary>
internal static class RandomKernels
{
    // Pcg64.Multiplier (high, low)
    private const ulong MultiplierHigh = 2549297995355413924UL;
    private const ulong MultiplierLow = 4865540595714422341UL;
    private const double TwoToMinus53 = 1.0 / 9007199254740992.0;

    /// <summary>PCG64's next output from the four words at <paramref name="o"/>: state (high, low), increment (high, low).</summary>
    public static ulong Pcg64Next(ArrayView<ulong> words, int o)
    {
        ulong high = words[o];
        ulong low = words[o + 1];
        // state = state * multiplier + increment, modulo 2^128
        ulong productLow = low * MultiplierLow;
        ulong productHigh = MultiplyHigh(low, MultiplierLow) + (low * MultiplierHigh) + (high * MultiplierLow);
        ulong newLow = productLow + words[o + 3];
        ulong carry = newLow < productLow ? 1UL : 0UL;
        ulong newHigh = productHigh + words[o + 2] + carry;
        words[o] = newHigh;
        words[o + 1] = newLow;
        int rotation = (int)(newHigh >> 58);
        ulong x = newHigh ^ newLow;
        return rotation == 0 ? x : (x >> rotation) | (x << (64 - rotation));
    }

    /// <summary>NumPy's <c>uniform(low, high)</c> from the PCG64 at <paramref name="o"/>: <c>low + (high - low) * next_double</c>.</summary>
    public static double Pcg64Uniform(ArrayView<ulong> words, int o, double low, double high) =>
        low + ((high - low) * ((Pcg64Next(words, o) >> 11) * TwoToMinus53));

    /// <summary><c>Pcg64.Normal(mean, std)</c>: Box-Muller from two uniforms, the first as <c>1 - u</c>.</summary>
    public static double Pcg64Normal(ArrayView<ulong> words, int o, double mean, double std)
    {
        double u1 = 1.0 - ((Pcg64Next(words, o) >> 11) * TwoToMinus53);
        double u2 = (Pcg64Next(words, o) >> 11) * TwoToMinus53;
        return mean + (std * (Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2)));
    }

    /// <summary>
    /// <c>CategoricalKernels.Sample</c>, one thread per member of a population (one for a single agent): for each of the
    /// member's <paramref name="rows"/> rows in order, one uniform from the member's xoshiro256** (words
    /// <c>4 * member ...</c>) scaled by the row's total unnormalised weight picks the first category whose running
    /// weight exceeds it.
    /// </summary>
    public static void SampleCategorical(Index1D member, ArrayView<double> logits, ArrayView<ulong> xoshiro, ArrayView<double> actions, int rows, int k)
    {
        int w = member * 4;
        ulong s0 = xoshiro[w], s1 = xoshiro[w + 1], s2 = xoshiro[w + 2], s3 = xoshiro[w + 3];
        for (int r = member * rows; r < (member + 1) * rows; r++)
        {
            int start = r * k;
            double max = RowKernels.RowMax(logits, start, k);
            double total = 0.0;
            for (int j = 0; j < k; j++)
            {
                total += Math.Exp(logits[start + j] - max);
            }

            double u = (Xoshiro256.Next(ref s0, ref s1, ref s2, ref s3) >> 11) * TwoToMinus53 * total;
            double cumulative = 0.0;
            int choice = -1;
            int lastPossible = 0;
            for (int j = 0; j < k; j++)
            {
                double weight = Math.Exp(logits[start + j] - max);
                if (weight > 0.0)
                {
                    lastPossible = j;
                }

                cumulative += weight;
                if (u < cumulative)
                {
                    choice = j;
                    break;
                }
            }

            actions[r] = choice >= 0 ? choice : lastPossible;
        }

        xoshiro[w] = s0;
        xoshiro[w + 1] = s1;
        xoshiro[w + 2] = s2;
        xoshiro[w + 3] = s3;
    }

    /// <summary>
    /// <c>DiagonalGaussian.Sample</c>, one thread per member of a population (one for a single agent):
    /// <c>Xoshiro256.FillGaussian</c> over the member's [rows x d] actions (polar method, both values of a pair used, in
    /// flat order) from its xoshiro256** (words <c>4 * member ...</c>), then <c>mean + exp(logStd) * eps</c> with its
    /// [1 x d] log-std (row <c>member</c> of <paramref name="logStd"/>).
    /// </summary>
    public static void SampleGaussian(Index1D member, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<ulong> xoshiro, ArrayView<double> actions, int rows, int d)
    {
        int w = member * 4;
        ulong s0 = xoshiro[w], s1 = xoshiro[w + 1], s2 = xoshiro[w + 2], s3 = xoshiro[w + 3];
        int start = member * rows * d;
        int count = start + (rows * d);
        int i = start;
        while (i < count)
        {
            double u, v, s;
            do
            {
                u = (2.0 * ((Xoshiro256.Next(ref s0, ref s1, ref s2, ref s3) >> 11) * TwoToMinus53)) - 1.0;
                v = (2.0 * ((Xoshiro256.Next(ref s0, ref s1, ref s2, ref s3) >> 11) * TwoToMinus53)) - 1.0;
                s = (u * u) + (v * v);
            }
            while (s >= 1.0 || s == 0.0);

            double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
            actions[i++] = u * f;
            if (i < count)
            {
                actions[i++] = v * f;
            }
        }

        for (int j = start; j < count; j++)
        {
            actions[j] = mean[j] + (Math.Exp(logStd[(member * d) + ((j - start) % d)]) * actions[j]);
        }

        xoshiro[w] = s0;
        xoshiro[w + 1] = s1;
        xoshiro[w + 2] = s2;
        xoshiro[w + 3] = s3;
    }

    // the high 64 bits of a 64 x 64-bit product, from 32-bit halves
    private static ulong MultiplyHigh(ulong a, ulong b)
    {
        ulong a0 = a & 0xFFFFFFFFUL, a1 = a >> 32;
        ulong b0 = b & 0xFFFFFFFFUL, b1 = b >> 32;
        ulong p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
        ulong middle = (p00 >> 32) + (p01 & 0xFFFFFFFFUL) + (p10 & 0xFFFFFFFFUL);
        return p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32);
    }
}
