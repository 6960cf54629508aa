using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tensorless.Rl;

// Row kernels: one time step of all environments. The episode flags become bit masks (all ones where the flag is
// false) so the inner loop has no branches and ignores whatever sits in truncationValues/lastValues where they are
// not used (a multiply by 0 would turn a NaN there into a NaN result). The vector path widens four flag bytes to four
// 64-bit lanes with one vpmovzxbq; the scalar path computes the same expressions in the same order, so both paths
// give identical bits.
public static partial class AdvantageEstimators
{
    // boot = terminated ? 0 : truncated ? w : next
    // carry = done ? 0 : gammaLambda * nextAdvantage       (nextAdvantage empty: no carry, the rollout end)
    // advantage = (r + gamma * boot - v) + carry;  return = advantage + v
    private static void GaeRow(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<double> next,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> nextAdvantages,
        double gamma,
        double gammaLambda,
        Span<double> advantages,
        Span<double> returns)
    {
        int n = rewards.Length;
        bool carry = !nextAdvantages.IsEmpty;
        ref double r = ref MemoryMarshal.GetReference(rewards);
        ref double v = ref MemoryMarshal.GetReference(values);
        ref double nx = ref MemoryMarshal.GetReference(next);
        ref double w = ref MemoryMarshal.GetReference(truncationValues);
        ref double na = ref MemoryMarshal.GetReference(nextAdvantages);
        ref byte term = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(terminated));
        ref byte trunc = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(truncated));
        ref double adv = ref MemoryMarshal.GetReference(advantages);
        ref double ret = ref MemoryMarshal.GetReference(returns);

        int i = 0;
        if (Avx2.IsSupported)
        {
            Vector256<double> g = Vector256.Create(gamma);
            Vector256<double> gl = Vector256.Create(gammaLambda);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256<double> notTerm = FalseMask(ref term, i);
                Vector256<double> notTrunc = FalseMask(ref trunc, i);
                Vector256<double> vi = Vector256.LoadUnsafe(ref v, (nuint)i);
                Vector256<double> boot = Vector256.ConditionalSelect(
                    notTrunc, Vector256.LoadUnsafe(ref nx, (nuint)i), Vector256.LoadUnsafe(ref w, (nuint)i)) & notTerm;
                Vector256<double> a = Vector256.LoadUnsafe(ref r, (nuint)i) + g * boot - vi;
                if (carry)
                {
                    a += (gl * Vector256.LoadUnsafe(ref na, (nuint)i)) & notTerm & notTrunc;
                }

                a.StoreUnsafe(ref adv, (nuint)i);
                (a + vi).StoreUnsafe(ref ret, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            bool isTerm = Unsafe.Add(ref term, i) != 0;
            bool isTrunc = Unsafe.Add(ref trunc, i) != 0;
            double vi = Unsafe.Add(ref v, i);
            double boot = isTerm ? 0.0 : isTrunc ? Unsafe.Add(ref w, i) : Unsafe.Add(ref nx, i);
            double a = Unsafe.Add(ref r, i) + gamma * boot - vi;
            if (carry)
            {
                a += isTerm || isTrunc ? 0.0 : gammaLambda * Unsafe.Add(ref na, i);
            }

            Unsafe.Add(ref adv, i) = a;
            Unsafe.Add(ref ret, i) = a + vi;
        }
    }

    // G = r + gamma * (terminated ? 0 : truncated ? w : nextReturn);  advantage = G - v
    private static void MonteCarloRow(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<double> nextReturns,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        double gamma,
        Span<double> advantages,
        Span<double> returns)
    {
        int n = rewards.Length;
        ref double r = ref MemoryMarshal.GetReference(rewards);
        ref double v = ref MemoryMarshal.GetReference(values);
        ref double nx = ref MemoryMarshal.GetReference(nextReturns);
        ref double w = ref MemoryMarshal.GetReference(truncationValues);
        ref byte term = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(terminated));
        ref byte trunc = ref Unsafe.As<bool, byte>(ref MemoryMarshal.GetReference(truncated));
        ref double adv = ref MemoryMarshal.GetReference(advantages);
        ref double ret = ref MemoryMarshal.GetReference(returns);

        int i = 0;
        if (Avx2.IsSupported)
        {
            Vector256<double> g = Vector256.Create(gamma);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256<double> notTerm = FalseMask(ref term, i);
                Vector256<double> notTrunc = FalseMask(ref trunc, i);
                Vector256<double> boot = Vector256.ConditionalSelect(
                    notTrunc, Vector256.LoadUnsafe(ref nx, (nuint)i), Vector256.LoadUnsafe(ref w, (nuint)i)) & notTerm;
                Vector256<double> ri = Vector256.LoadUnsafe(ref r, (nuint)i) + g * boot;
                ri.StoreUnsafe(ref ret, (nuint)i);
                (ri - Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref adv, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            bool isTerm = Unsafe.Add(ref term, i) != 0;
            bool isTrunc = Unsafe.Add(ref trunc, i) != 0;
            double boot = isTerm ? 0.0 : isTrunc ? Unsafe.Add(ref w, i) : Unsafe.Add(ref nx, i);
            double g = Unsafe.Add(ref r, i) + gamma * boot;
            Unsafe.Add(ref ret, i) = g;
            Unsafe.Add(ref adv, i) = g - Unsafe.Add(ref v, i);
        }
    }

    // Four flag bytes at flags[i..i+4) -> four 64-bit lanes, all ones where the flag is false (byte == 0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> FalseMask(ref byte flags, int i)
    {
        uint four = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref flags, i));
        Vector256<long> wide = Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(four).AsByte());
        return Vector256.Equals(wide, Vector256<long>.Zero).AsDouble();
    }
}
