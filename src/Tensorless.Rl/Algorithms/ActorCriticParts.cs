using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// What actor-critic algorithms build the same way from their shared options: the learner, the data-parallel gradient
/// runner, the policy optimizer over the parameters the policy loss trains, and, for the seeds' variant
/// (<see cref="OnPolicyOptions.TrainValueIterations"/> &gt; 0), the separate critic fit with its own optimizer.
/// </summary>
internal sealed class ActorCriticParts
{
    /// <summary>Builds the parts; <paramref name="update"/> is the algorithm's own update rule.</summary>
    /// <exception cref="ArgumentException">A separate value fit is asked for on a policy with a shared trunk.</exception>
    public ActorCriticParts(IVectorEnv env, OnPolicyOptions options, Func<double, MetricsRecord, bool> update)
    {
        Learner = new OnPolicyLearner(env, options, update);
        var policy = Learner.Policy;
        bool separateValue = options.TrainValueIterations > 0;
        if (separateValue && !policy.HasSeparateNetworks)
        {
            throw new ArgumentException("TrainValueIterations needs separate actor and critic networks; set Policy.SharedTrunk to false.", nameof(options));
        }

        Runner = new DataParallelRunner(policy, options.Threads);
        Learner.AttachRunner(Runner);
        PolicyParameters = separateValue ? [.. policy.ActorParameters] : [.. policy.Parameters];
        Optimizer = OptimizerFactory.Create(options, PolicyParameters, options.LearningRate);
        if (separateValue)
        {
            Parameter[] valueParameters = [.. policy.CriticParameters];
            var valueOptimizer = OptimizerFactory.Create(options, valueParameters, options.ValueLearningRate ?? options.LearningRate);
            ValueFit = new ValueFit(Runner, valueOptimizer, valueParameters, new Minibatch(options.RolloutSize, env.ObservationSize, env.ActionSize));
        }
    }

    /// <summary>The shared rollout machinery.</summary>
    public OnPolicyLearner Learner { get; }

    /// <summary>Computes gradients in chunks, on one or more threads.</summary>
    public DataParallelRunner Runner { get; }

    /// <summary>The parameters the policy loss trains (all of them, unless the critic is fitted separately).</summary>
    public Parameter[] PolicyParameters { get; }

    /// <summary>The optimizer of <see cref="PolicyParameters"/>.</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The seeds' separate critic fit, or null.</summary>
    public ValueFit? ValueFit { get; }

    /// <summary>
    /// The CPU step on the gradient in <see cref="PolicyParameters"/>: global-norm clipping when
    /// <paramref name="maxGradNorm"/> is set, then <see cref="Optimizer"/>'s step.
    /// </summary>
    public void ClipAndStep(double? maxGradNorm)
    {
        if (maxGradNorm is double maxNorm)
        {
            GradientClipping.ClipByGlobalNorm(PolicyParameters, maxNorm);
        }

        Optimizer.Step();
    }

    /// <summary>The optimizers by checkpoint name.</summary>
    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers =>
        ValueFit is null ? [("optimizer", Optimizer)] : [("optimizer", Optimizer), ("value_optimizer", ValueFit.Optimizer)];
}
