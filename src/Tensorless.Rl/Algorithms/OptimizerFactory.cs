using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;

namespace Tensorless.Rl.Algorithms;

/// <summary>Builds the optimizer an options record names.</summary>
internal static class OptimizerFactory
{
    public static IOptimizer Create(OptimizerKind kind, IReadOnlyList<Parameter> parameters, double learningRate, double eps, double rmsPropAlpha) => kind switch
    {
        OptimizerKind.Adam => new Adam(parameters, learningRate, eps: eps),
        OptimizerKind.RmsProp => new RmsProp(parameters, learningRate, alpha: rmsPropAlpha, eps: eps),
        _ => throw new ArgumentException($"Unknown optimizer {kind}.", nameof(kind)),
    };
}
