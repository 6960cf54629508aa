using Tensorless.Autodiff;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Rl.Training;

/// <summary>
/// Combines what several learners computed on their own share of the data, so each applies the same optimizer step
/// (data-parallel training over processes, issue 14). <see cref="DataParallelRunner"/> calls <see cref="Reduce"/> after
/// its own reduction over threads; every learner of the group must make the same calls in the same order. The default
/// is none: a single learner never pays for it.
/// </summary>
public interface IGradientReducer
{
    /// <summary>Replaces every gradient in <paramref name="parameters"/> and every field of <paramref name="stats"/> by its mean over the learners.</summary>
    void Reduce(ParameterSet parameters, ref UpdateStats stats);

    /// <summary>The mean of <paramref name="value"/> over the learners (a diagnostic that drives a branch, such as a rollout's KL).</summary>
    double Mean(double value);

    /// <summary>Merges <paramref name="statistics"/> (a normaliser's running moments) over the learners, so all hold the same moments.</summary>
    void Merge(Normalization.RunningMeanStd statistics);
}
