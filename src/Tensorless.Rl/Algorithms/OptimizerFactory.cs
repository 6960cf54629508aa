using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>Builds the optimizer the shared options name.</summary>
public static class OptimizerFactory
{
    /// <summary>An optimizer of <paramref name="parameters"/> as <paramref name="options"/> configure it, at <paramref name="learningRate"/>.</summary>
    /// <exception cref="ArgumentException">The optimizer kind is not defined.</exception>
    public static IOptimizer Create(OnPolicyOptions options, IReadOnlyList<Parameter> parameters, double learningRate) => options.Optimizer switch
    {
        OptimizerKind.Adam => new Adam(parameters, learningRate, eps: options.OptimizerEps),
        OptimizerKind.RmsProp => new RmsProp(parameters, learningRate, alpha: options.RmsPropAlpha, eps: options.OptimizerEps),
        _ => throw new ArgumentException($"Unknown optimizer {options.Optimizer}.", nameof(options)),
    };
}
