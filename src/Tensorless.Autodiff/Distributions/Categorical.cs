using System.Runtime.CompilerServices;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Distributions;

/// <summary>
/// A batch of categorical distributions over k actions given by unnormalised logits [m x k]:
/// <c>p_i(j) = exp(logits[i, j]) / sum_l exp(logits[i, l])</c>. A logit of -infinity gives its category probability 0
/// (action masking); each row needs at least one finite logit. Actions are category indices stored as doubles.
/// </summary>
public sealed class Categorical : IDistribution
{
    private const string Name = nameof(Categorical);
    private Tensor? _logits;

    /// <summary>Creates an unbound distribution; call <see cref="Bind"/> before use.</summary>
    public Categorical()
    {
    }

    /// <summary>Creates a distribution over the rows of <paramref name="logits"/> [m x k].</summary>
    /// <exception cref="ArgumentException">The logits hold NaN or +infinity, or a row has no finite logit.</exception>
    public Categorical(Tensor logits) => Bind(logits);

    /// <summary>The logits [m x k] this distribution reads.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not bound.</exception>
    public Tensor Logits => _logits ?? ThrowUnbound();

    /// <inheritdoc />
    public int BatchSize => Logits.Rows;

    /// <inheritdoc />
    public int ActionSize => 1;

    /// <summary>Number of categories k.</summary>
    public int CategoryCount => Logits.Cols;

    /// <summary>Points this distribution at new logits [m x k] and returns it (SB3's <c>proba_distribution</c>).</summary>
    /// <exception cref="ArgumentException">The logits hold NaN or +infinity, or a row has no finite logit.</exception>
    public Categorical Bind(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var ld = logits.Data;
        int k = logits.Cols;
        for (int r = 0; r < logits.Rows; r++)
        {
            var row = ld.Slice(r * k, k);
            bool anyFinite = false;
            for (int j = 0; j < k; j++)
            {
                double v = row[j];
                if (double.IsNaN(v) || double.IsPositiveInfinity(v))
                {
                    ThrowBadLogit(logits, r, j, v);
                }

                anyFinite |= double.IsFinite(v);
            }

            if (!anyFinite)
            {
                ThrowNoFinite(logits, r);
            }
        }

        _logits = logits;
        return this;
    }

    /// <summary>
    /// Draws one index per row by inverse CDF: one uniform u in [0, 1) per row, then the first j whose cumulative
    /// unnormalised weight <c>sum_{l &lt;= j} exp(logits[i, l] - max)</c> exceeds <c>u</c> times the row's total.
    /// </summary>
    /// <exception cref="ArgumentException">The span length is not m.</exception>
    public void Sample(Xoshiro256 rng, Span<double> actions)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var logits = Logits;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, logits.Rows, logits.Rows, 1);
        CategoricalKernels.Sample(logits.Data, rng, actions, logits.Cols);
    }

    /// <summary>Writes the index of each row's largest logit (the first one on ties).</summary>
    /// <exception cref="ArgumentException">The span length is not m.</exception>
    public void Mode(Span<double> actions)
    {
        var logits = Logits;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, logits.Rows, logits.Rows, 1);
        CategoricalKernels.Mode(logits.Data, actions, logits.Cols);
    }

    /// <summary>Writes <c>logits[i, a_i] - logsumexp(logits[i, :])</c> for each row.</summary>
    /// <exception cref="ArgumentException">A length is not m, or an action is not a whole number in [0, k).</exception>
    public void LogProb(ReadOnlySpan<double> actions, Span<double> logProb)
    {
        var logits = Logits;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, logits.Rows, logits.Rows, 1);
        DistributionChecks.Length(Name, nameof(logProb), logProb.Length, logits.Rows, logits.Rows, 1);
        int k = logits.Cols;
        for (int r = 0; r < logits.Rows; r++)
        {
            CheckedAction(actions[r], r, k);
        }

        CategoricalKernels.LogProbRows(logits.Data, actions, logProb, k);
    }

    /// <summary>Writes <c>-sum_j p_ij log p_ij</c> for each row (a category of probability 0 adds 0).</summary>
    /// <exception cref="ArgumentException">The span length is not m.</exception>
    public void Entropy(Span<double> entropy)
    {
        var logits = Logits;
        DistributionChecks.Length(Name, nameof(entropy), entropy.Length, logits.Rows, logits.Rows, 1);
        CategoricalKernels.EntropyRows(logits.Data, entropy, logits.Cols);
    }

    /// <summary>Writes the softmax probabilities [m x k], row-major.</summary>
    /// <exception cref="ArgumentException">The span length is not m x k.</exception>
    public void Probabilities(Span<double> probabilities)
    {
        var logits = Logits;
        DistributionChecks.Length(Name, nameof(probabilities), probabilities.Length, logits.Length, logits.Rows, logits.Cols);
        CategoricalKernels.Probabilities(logits.Data, probabilities, logits.Rows, logits.Cols);
    }

    /// <summary>Log-probabilities of actions [m x 1] through the tape's fused <see cref="Tape.CategoricalLogProb"/>.</summary>
    /// <exception cref="ArgumentException">The actions are not [m x 1] or hold a value that is not a category index.</exception>
    public Tensor LogProb(Tape tape, Tensor actions)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(actions);
        return tape.CategoricalLogProb(Logits, actions);
    }

    /// <summary>Entropies [m x 1] through the tape's fused <see cref="Tape.CategoricalEntropy"/>.</summary>
    public Tensor Entropy(Tape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return tape.CategoricalEntropy(Logits);
    }

    private static void CheckedAction(double value, int row, int k)
    {
        int i = (int)value;
        if (i != value || (uint)i >= (uint)k)
        {
            ThrowBadAction(value, row, k);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Tensor ThrowUnbound()
    {
        DistributionChecks.ThrowUnbound(Name);
        return null!;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadAction(double value, int row, int k) =>
        throw new ArgumentException($"{Name}: action {value} at row {row} is not a category index, a whole number in [0, {k}).", "actions");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBadLogit(Tensor logits, int row, int col, double value) =>
        throw new ArgumentException(
            $"{Name}: logits {logits.ShapeText} hold {value} at row {row}, column {col}; logits must be finite or -infinity (a masked category).",
            nameof(logits));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNoFinite(Tensor logits, int row) =>
        throw new ArgumentException($"{Name}: row {row} of the logits {logits.ShapeText} is all -infinity, so no category can occur.", nameof(logits));
}
