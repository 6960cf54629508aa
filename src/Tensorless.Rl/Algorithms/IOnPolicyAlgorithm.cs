using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// An on-policy actor-critic learner: the shared rollout machinery (<see cref="OnPolicyLearner"/>) plus the algorithm's
/// own <see cref="Update"/>. Every algorithm registered in <see cref="AlgorithmRegistry"/> implements it, and checkpoints,
/// evaluation, training runs and the CLI handle algorithms only through it.
/// </summary>
public interface IOnPolicyAlgorithm : IDisposable
{
    /// <summary>The registry name: short and lower-case (<c>ppo</c>, <c>a2c</c>).</summary>
    string Algorithm { get; }

    /// <summary>Registry id of the training env (<see cref="Tensorless.Envs.IVectorEnv.Id"/>), saved in checkpoints.</summary>
    string EnvId { get; }

    /// <summary>The validated options record, saved in checkpoints.</summary>
    IAlgorithmOptions Options { get; }

    /// <summary>The shared rollout machinery (policy, buffer, normalisers, generator, progress).</summary>
    OnPolicyLearner Learner { get; }

    /// <summary>The actor-critic being trained.</summary>
    ActorCriticPolicy Policy { get; }

    /// <summary>The optimizers, by checkpoint name.</summary>
    IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers { get; }

    /// <summary>Trains until the total env-step budget is used or a callback stops it.</summary>
    TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks);

    /// <summary>
    /// The algorithm's update on the rollout the learner has just collected into <see cref="OnPolicyLearner.Buffer"/>;
    /// the learner calls it once per rollout. It fills <paramref name="metrics"/> with its losses and diagnostics and
    /// returns false to stop training.
    /// </summary>
    /// <param name="progressRemaining">SB3's progress-remaining: 1 at the start of the budget, 0 at its end.</param>
    /// <param name="metrics">This update's metrics record (reused between updates: do not keep it).</param>
    bool Update(double progressRemaining, MetricsRecord metrics);

    /// <summary>
    /// Writes scalar state the checkpoint must carry beyond parameters and optimizer moments (PPO's adaptive-penalty
    /// beta); saved under <c>algorithm_state</c> in config.json. Most algorithms have none.
    /// </summary>
    /// <param name="state">Where to write name/value pairs.</param>
    void SaveExtraState(IDictionary<string, double> state)
    {
    }

    /// <summary>Reads back what <see cref="SaveExtraState"/> wrote, when a checkpoint is restored.</summary>
    /// <param name="state">The saved name/value pairs.</param>
    void LoadExtraState(IReadOnlyDictionary<string, double> state)
    {
    }
}
