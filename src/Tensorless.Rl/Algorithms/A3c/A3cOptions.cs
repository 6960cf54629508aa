using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Asynchronous advantage actor-critic (A3C) options. The shared defaults follow Mnih et al. (2016) as SB3's A2C
/// carries them over: t_max = <see cref="OnPolicyOptions.NumSteps"/> = 5, gamma 0.99, the segment's bootstrapped
/// return (<see cref="OnPolicyOptions.GaeLambda"/> = 1, so A = R - V(s) with R = r_t + gamma r_{t+1} + ... +
/// gamma^k V(s_{t_max})), vf_coef 0.5, ent_coef 0.01 (the paper's beta), shared RMSprop with lr 7e-4, alpha 0.99,
/// eps 1e-5, grad clip 0.5, no advantage normalization. <see cref="OnPolicyOptions.NumEnvs"/> counts the envs of all
/// workers together and must be a multiple of <see cref="NumWorkers"/>; worker k owns env columns
/// [k * NumEnvs / NumWorkers, (k + 1) * NumEnvs / NumWorkers). <see cref="OnPolicyOptions.Threads"/> is not used: the
/// workers are the parallelism.
/// </summary>
public sealed record A3cOptions : IAlgorithmOptions
{
    /// <summary>The paper's settings of the shared options (2 workers with 1 env each).</summary>
    public static OnPolicyOptions Defaults { get; } = new()
    {
        NumEnvs = 2,
        NumSteps = 5,
        GaeLambda = 1.0,
        EntCoef = 0.01,
        LearningRate = 7e-4,
        Optimizer = OptimizerKind.RmsProp,
        NormalizeAdvantage = false,
    };

    /// <summary>The shared on-policy options. Default <see cref="Defaults"/>.</summary>
    public OnPolicyOptions OnPolicy { get; init; } = Defaults;

    /// <summary>
    /// Worker threads K (the paper's actor-learner threads). Each computes its gradient on its own copy of the policy
    /// from its own slice of the envs and applies it to the shared parameters without a lock. Default 2.
    /// </summary>
    public int NumWorkers { get; init; } = 2;

    /// <summary>
    /// When true the workers run in the fixed round-robin order 0, 1, ..., K-1 on one thread (each gradient at the
    /// weights its segment was collected with, the steps applied in worker order), so a seed gives the same bits on
    /// every run and a checkpoint resumes exactly; nothing runs in parallel. When false (default, the paper) each worker applies its gradient as soon as it is
    /// ready, racing the others (Hogwild), and runs with the same seed differ.
    /// </summary>
    public bool Deterministic { get; init; }

    /// <inheritdoc />
    bool IAlgorithmOptions.Reproducible => Deterministic || NumWorkers == 1;

    /// <summary>Looks up the options of an A3C preset (<see cref="Presets"/>).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static A3cOptions Preset(string name) => Presets.Options<A3cOptions>(name);

    /// <inheritdoc />
    public IAlgorithmOptions WithOnPolicy(OnPolicyOptions onPolicy) => this with { OnPolicy = onPolicy };

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        if (OnPolicy is null)
        {
            throw new ArgumentException("OnPolicy must not be null.", nameof(OnPolicy));
        }

        OnPolicy.Validate();
        OptionChecks.AtLeast(NumWorkers, 1, nameof(NumWorkers));
        if (OnPolicy.NumEnvs % NumWorkers != 0)
        {
            throw new ArgumentException(
                $"NumEnvs = {OnPolicy.NumEnvs} must be a multiple of NumWorkers = {NumWorkers} (each worker owns NumEnvs / NumWorkers envs).",
                nameof(NumWorkers));
        }

        if (OnPolicy.Optimizer != OptimizerKind.RmsProp)
        {
            throw new ArgumentException(
                $"Optimizer = {OnPolicy.Optimizer}: A3C applies the paper's shared RMSprop without a lock; only RmsProp is supported.",
                nameof(OnPolicyOptions.Optimizer));
        }

        if (OnPolicy.TrainValueIterations > 0)
        {
            throw new ArgumentException(
                $"TrainValueIterations = {OnPolicy.TrainValueIterations}: A3C trains policy and value jointly (VfCoef); set it to 0.",
                nameof(OnPolicyOptions.TrainValueIterations));
        }
    }
}
