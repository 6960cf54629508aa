using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Row kernels of the backward advantage recursions (GAE, TD(0), Monte Carlo): one time step of many independent
/// sequences (one lane per environment), so a caller runs the recursion over time as a loop over rows, newest first.
/// Contract: every span has the row's length n (<c>nextAdvantages</c> may instead be empty, meaning nothing is carried);
/// the destinations are overwritten, never accumulated into, and must not overlap the inputs or each other. The episode
/// flags are branch-free masks: <c>truncationValues[i]</c> is read only where <c>truncated[i]</c> and not
/// <c>terminated[i]</c>, <c>next...[i]</c> and <c>nextAdvantages[i]</c> only where neither flag is set, so unread entries
/// may hold anything, NaN included (a multiply by 0 would not do: it keeps a NaN). Exactness: the AVX2 loop and its
/// scalar reference (<c>...Reference</c>, the plain formula) produce the same bits for every length, because each lane
/// does the reference's operations in the same order and a masked-out term is +0 in both.
/// </summary>
public static class AdvantageKernels
{
    /// <summary>
    /// One step of GAE (Schulman et al. 2016, eq. 16, as a backward recursion): effectively computes
    /// <c>boot = terminated[i] ? 0 : truncated[i] ? truncationValues[i] : nextValues[i]</c>,
    /// <c>delta = rewards[i] + gamma * boot - values[i]</c>,
    /// <c>advantages[i] = delta + (terminated[i] || truncated[i] ? 0 : gammaLambda * nextAdvantages[i])</c>
    /// (just <c>delta</c> when <paramref name="nextAdvantages"/> is empty) and <c>returns[i] = advantages[i] + values[i]</c>.
    /// With <c>gammaLambda = 0</c> and no <paramref name="nextAdvantages"/> it is the TD(0) error.
    /// </summary>
    /// <param name="rewards">Rewards of this step, length n.</param>
    /// <param name="values">V(s_t) of this step, length n.</param>
    /// <param name="nextValues">The value after this step where the episode goes on (V(s_{t+1}), or the bootstrap value at the rollout end), length n.</param>
    /// <param name="truncationValues">V(final observation) where the step is truncated, length n.</param>
    /// <param name="terminated">Terminated flags, length n.</param>
    /// <param name="truncated">Truncated flags, length n.</param>
    /// <param name="nextAdvantages">The advantages of the next step, length n; empty to carry nothing (the rollout end).</param>
    /// <param name="gamma">Discount factor.</param>
    /// <param name="gammaLambda">The product <c>gamma * lambda</c>, computed once by the caller.</param>
    /// <param name="advantages">Destination for the advantages, length n (overwritten).</param>
    /// <param name="returns">Destination for the returns <c>advantages + values</c>, length n (overwritten).</param>
    /// <exception cref="ArgumentException">A span's length is not n (<paramref name="nextAdvantages"/>: neither n nor 0).</exception>
    public static void GaeRow(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<double> nextValues,
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
        CheckGaeLengths(n, values.Length, nextValues.Length, truncationValues.Length, terminated.Length, truncated.Length, nextAdvantages.Length, advantages.Length, returns.Length);
        bool carry = !nextAdvantages.IsEmpty;
        ref double r = ref MemoryMarshal.GetReference(rewards);
        ref double v = ref MemoryMarshal.GetReference(values);
        ref double nx = ref MemoryMarshal.GetReference(nextValues);
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

    /// <summary>The plain loop <see cref="GaeRow"/> must equal bit for bit.</summary>
    /// <param name="rewards">Rewards of this step, length n.</param>
    /// <param name="values">V(s_t) of this step, length n.</param>
    /// <param name="nextValues">The value after this step where the episode goes on, length n.</param>
    /// <param name="truncationValues">V(final observation) where the step is truncated, length n.</param>
    /// <param name="terminated">Terminated flags, length n.</param>
    /// <param name="truncated">Truncated flags, length n.</param>
    /// <param name="nextAdvantages">The advantages of the next step, length n; empty to carry nothing.</param>
    /// <param name="gamma">Discount factor.</param>
    /// <param name="gammaLambda">The product <c>gamma * lambda</c>.</param>
    /// <param name="advantages">Destination for the advantages, length n (overwritten).</param>
    /// <param name="returns">Destination for the returns, length n (overwritten).</param>
    /// <exception cref="ArgumentException">A span's length is not n (<paramref name="nextAdvantages"/>: neither n nor 0).</exception>
    public static void GaeRowReference(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<double> nextValues,
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
        CheckGaeLengths(n, values.Length, nextValues.Length, truncationValues.Length, terminated.Length, truncated.Length, nextAdvantages.Length, advantages.Length, returns.Length);
        for (int i = 0; i < n; i++)
        {
            bool done = terminated[i] || truncated[i];
            double boot = terminated[i] ? 0.0 : truncated[i] ? truncationValues[i] : nextValues[i];
            double delta = rewards[i] + gamma * boot - values[i];
            advantages[i] = nextAdvantages.IsEmpty ? delta : delta + (done ? 0.0 : gammaLambda * nextAdvantages[i]);
            returns[i] = advantages[i] + values[i];
        }
    }

    /// <summary>
    /// One step of the discounted return (Monte Carlo): effectively computes
    /// <c>returns[i] = rewards[i] + gamma * (terminated[i] ? 0 : truncated[i] ? truncationValues[i] : nextReturns[i])</c>
    /// and <c>advantages[i] = returns[i] - values[i]</c>.
    /// </summary>
    /// <param name="rewards">Rewards of this step, length n.</param>
    /// <param name="values">V(s_t) of this step, length n.</param>
    /// <param name="nextReturns">The return after this step where the episode goes on (the next step's return, or the bootstrap value at the rollout end), length n.</param>
    /// <param name="truncationValues">V(final observation) where the step is truncated, length n.</param>
    /// <param name="terminated">Terminated flags, length n.</param>
    /// <param name="truncated">Truncated flags, length n.</param>
    /// <param name="gamma">Discount factor.</param>
    /// <param name="advantages">Destination for the advantages, length n (overwritten).</param>
    /// <param name="returns">Destination for the returns, length n (overwritten).</param>
    /// <exception cref="ArgumentException">A span's length is not n.</exception>
    public static void DiscountedReturnRow(
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
        CheckReturnLengths(n, values.Length, nextReturns.Length, truncationValues.Length, terminated.Length, truncated.Length, advantages.Length, returns.Length);
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

    /// <summary>The plain loop <see cref="DiscountedReturnRow"/> must equal bit for bit.</summary>
    /// <param name="rewards">Rewards of this step, length n.</param>
    /// <param name="values">V(s_t) of this step, length n.</param>
    /// <param name="nextReturns">The return after this step where the episode goes on, length n.</param>
    /// <param name="truncationValues">V(final observation) where the step is truncated, length n.</param>
    /// <param name="terminated">Terminated flags, length n.</param>
    /// <param name="truncated">Truncated flags, length n.</param>
    /// <param name="gamma">Discount factor.</param>
    /// <param name="advantages">Destination for the advantages, length n (overwritten).</param>
    /// <param name="returns">Destination for the returns, length n (overwritten).</param>
    /// <exception cref="ArgumentException">A span's length is not n.</exception>
    public static void DiscountedReturnRowReference(
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
        CheckReturnLengths(n, values.Length, nextReturns.Length, truncationValues.Length, terminated.Length, truncated.Length, advantages.Length, returns.Length);
        for (int i = 0; i < n; i++)
        {
            double boot = terminated[i] ? 0.0 : truncated[i] ? truncationValues[i] : nextReturns[i];
            returns[i] = rewards[i] + gamma * boot;
            advantages[i] = returns[i] - values[i];
        }
    }

    // Four flag bytes at flags[i..i+4) -> four 64-bit lanes, all ones where the flag is false (byte == 0): one
    // vpmovzxbq widens them, and the masks make the loop branch-free.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> FalseMask(ref byte flags, int i)
    {
        uint four = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref flags, i));
        Vector256<long> wide = Avx2.ConvertToVector256Int64(Vector128.CreateScalarUnsafe(four).AsByte());
        return Vector256.Equals(wide, Vector256<long>.Zero).AsDouble();
    }

    // One branch for all lengths (non-short-circuit |), since a caller runs this once per row of a rollout.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckGaeLengths(int n, int values, int next, int truncationValues, int terminated, int truncated, int nextAdvantages, int advantages, int returns)
    {
        if ((values != n) | (next != n) | (truncationValues != n) | (terminated != n) | (truncated != n)
            | ((nextAdvantages != n) & (nextAdvantages != 0)) | (advantages != n) | (returns != n))
        {
            ThrowLengths(n);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckReturnLengths(int n, int values, int next, int truncationValues, int terminated, int truncated, int advantages, int returns)
    {
        if ((values != n) | (next != n) | (truncationValues != n) | (terminated != n) | (truncated != n) | (advantages != n) | (returns != n))
        {
            ThrowLengths(n);
        }
    }

    [DoesNotReturn]
    private static void ThrowLengths(int n) =>
        throw new ArgumentException($"Every span of an advantage row must have the rewards' length {n}.");
}
