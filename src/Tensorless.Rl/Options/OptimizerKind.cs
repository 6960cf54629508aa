namespace Tensorless.Rl.Options;

/// <summary>Which optimizer a learner uses.</summary>
public enum OptimizerKind
{
    /// <summary>RMSprop (SB3's A2C default: alpha 0.99, eps 1e-5, as the A3C paper's shared RMSprop).</summary>
    RmsProp,

    /// <summary>Adam (betas 0.9 and 0.999).</summary>
    Adam,
}
