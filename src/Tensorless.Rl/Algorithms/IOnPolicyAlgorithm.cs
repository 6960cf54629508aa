using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>An on-policy actor-critic learner (A2C, PPO): shared rollout machinery, its own update.</summary>
public interface IOnPolicyAlgorithm : IDisposable
{
    /// <summary>Short lower-case name: <c>a2c</c>, <c>ppo</c>.</summary>
    string Algorithm { get; }

    /// <summary>Registry id of the training env (<see cref="Tensorless.Envs.IVectorEnv.Id"/>), saved in checkpoints.</summary>
    string EnvId { get; }

    /// <summary>The validated options record (<see cref="PpoOptions"/>, <see cref="A2cOptions"/>), saved in checkpoints.</summary>
    object Options { get; }

    /// <summary>The shared rollout machinery (policy, buffer, normalisers, generator, progress).</summary>
    OnPolicyLearner Learner { get; }

    /// <summary>The actor-critic being trained.</summary>
    ActorCriticPolicy Policy { get; }

    /// <summary>The optimizers, by checkpoint name.</summary>
    IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers { get; }

    /// <summary>Trains until the total env-step budget is used or a callback stops it.</summary>
    TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks);
}
