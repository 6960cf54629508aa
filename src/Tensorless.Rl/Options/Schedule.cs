namespace Tensorless.Rl.Options;

/// <summary>How a hyperparameter (learning rate, clip range) changes over training.</summary>
public enum Schedule
{
    /// <summary>The initial value throughout.</summary>
    Constant,

    /// <summary>Linear decay from the initial value to 0 (SB3/rl-zoo's <c>lin_</c> prefix, CleanRL's <c>anneal_lr</c>).</summary>
    Linear,

    /// <summary>Cosine decay from the initial value to 0.</summary>
    Cosine,
}
