namespace Tensorless.Rl;

/// <summary>Hidden-layer activation of the policy and value networks.</summary>
public enum Activation
{
    /// <summary>tanh (SB3's and CleanRL's default for MLP policies).</summary>
    Tanh,

    /// <summary>ReLU (the seeds' networks and the lecture's shared trunk).</summary>
    Relu,
}
