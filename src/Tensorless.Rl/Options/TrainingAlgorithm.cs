namespace Tensorless.Rl;

/// <summary>Which learner a preset trains.</summary>
public enum TrainingAlgorithm
{
    /// <summary>Advantage actor-critic, options in <see cref="A2cOptions"/>.</summary>
    A2c,

    /// <summary>Proximal policy optimization, options in <see cref="PpoOptions"/>.</summary>
    Ppo,
}
