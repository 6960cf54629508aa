using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The options TRPO and the natural policy gradient share (<see cref="TrpoOptions"/>, <see cref="NpgOptions"/>): the
/// trust region's radius, the conjugate-gradient solve of <c>F x = g</c>, and the separate critic fit.
/// </summary>
public interface INaturalGradientOptions : IAlgorithmOptions
{
    /// <summary>The KL radius delta: the step is scaled so that <c>(1/2) s^T F s = delta</c>.</summary>
    double TargetKl { get; }

    /// <summary>Conjugate-gradient products with F per update.</summary>
    int CgMaxSteps { get; }

    /// <summary>Damping lambda added to F (<c>F + lambda I</c>) in the solve and in the step's scale.</summary>
    double CgDamping { get; }

    /// <summary>Epochs of the critic's Adam fit per update.</summary>
    int NumCriticUpdates { get; }

    /// <summary>Samples per critic gradient step.</summary>
    int MinibatchSize { get; }
}

/// <summary>Checks of the shared natural-gradient options.</summary>
internal static class NaturalGradientChecks
{
    /// <summary>Throws for the first invalid shared option, naming it.</summary>
    public static void Validate(INaturalGradientOptions o, string algorithm)
    {
        if (o.OnPolicy is null)
        {
            throw new ArgumentException("OnPolicy must not be null.", nameof(o.OnPolicy));
        }

        var shared = o.OnPolicy;
        shared.Validate();
        int rollout = shared.RolloutSize;
        OptionChecks.AtLeast(o.MinibatchSize, 1, nameof(o.MinibatchSize));
        if (rollout % o.MinibatchSize != 0)
        {
            throw new ArgumentException(
                $"MinibatchSize = {o.MinibatchSize} must divide NumEnvs * NumSteps = {shared.NumEnvs} * {shared.NumSteps} = {rollout}, so each critic epoch uses every sample once.",
                nameof(o.MinibatchSize));
        }

        if (shared.NormalizeAdvantage && rollout < 2)
        {
            throw new ArgumentException($"NumEnvs * NumSteps = {rollout} with NormalizeAdvantage: the standard deviation of one advantage is undefined.", nameof(shared.NumSteps));
        }

        OptionChecks.Positive(o.TargetKl, nameof(o.TargetKl));
        OptionChecks.AtLeast(o.CgMaxSteps, 1, nameof(o.CgMaxSteps));
        OptionChecks.NonNegative(o.CgDamping, nameof(o.CgDamping));
        OptionChecks.AtLeast(o.NumCriticUpdates, 1, nameof(o.NumCriticUpdates));
        if (shared.EntCoef != 0)
        {
            throw new ArgumentException($"EntCoef = {OptionChecks.Format(shared.EntCoef)}: {algorithm}'s surrogate has no entropy bonus; leave it 0.", nameof(shared.EntCoef));
        }

        if (shared.TrainValueIterations != 0)
        {
            throw new ArgumentException($"TrainValueIterations = {shared.TrainValueIterations}: {algorithm} always fits its critic separately; set NumCriticUpdates instead.", nameof(shared.TrainValueIterations));
        }

        if (shared.Policy.SharedTrunk)
        {
            throw new ArgumentException($"Policy.SharedTrunk: {algorithm} steps the actor alone inside its trust region and fits the critic separately, so they must not share a trunk.", "Policy.SharedTrunk");
        }
    }
}
