using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Synchronous advantage actor-critic (A2C; Mnih et al. 2016, synchronous form as in SB3): after each rollout one gradient
/// step on <c>-mean(A log pi) + VfCoef * MSE(V, R) - EntCoef * mean(H)</c> over the whole batch, with RMSprop by default
/// and global-norm clipping. With <see cref="A2cOptions.TrainValueIterations"/> &gt; 0 the A2C seed's variant runs: the
/// policy step uses the policy term alone and a separate optimizer fits the value network for that many full-batch steps.
/// </summary>
public sealed class A2c : IOnPolicyAlgorithm
{
    private readonly OnPolicyLearner _learner;
    private readonly IOptimizer _optimizer;
    private readonly IOptimizer? _valueOptimizer;
    private readonly Tape _tape = new();
    private readonly Minibatch _batch;
    private readonly int[] _indices;
    private readonly Parameter[] _policyParameters;
    private readonly Parameter[] _valueParameters;

    /// <summary>Builds A2C on <paramref name="env"/>; the options are validated first.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public A2c(IVectorEnv env, A2cOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { NumEnvs = env.NumEnvs };
        options.Validate();
        Options = options;
        _learner = new OnPolicyLearner(env, new RolloutSettings(options.NumSteps, options.Gamma, options.GaeLambda, options.AdvantageEstimator,
            options.NStep, options.Seed, options.NormalizeObservations, options.NormalizeRewards), options.Policy, Update);
        var policy = _learner.Policy;
        bool separateValue = options.TrainValueIterations > 0;
        if (separateValue && !policy.HasSeparateNetworks)
        {
            throw new ArgumentException("TrainValueIterations needs separate actor and critic networks; set Policy.SharedTrunk to false.", nameof(options));
        }

        _policyParameters = separateValue ? [.. policy.ActorParameters] : [.. policy.Parameters];
        _valueParameters = [.. policy.CriticParameters];
        _optimizer = OptimizerFactory.Create(options.Optimizer, _policyParameters, options.LearningRate, options.OptimizerEps, options.RmsPropAlpha);
        if (separateValue)
        {
            _valueOptimizer = OptimizerFactory.Create(options.Optimizer, _valueParameters,
                options.ValueLearningRate ?? options.LearningRate, options.OptimizerEps, options.RmsPropAlpha);
        }

        _batch = new Minibatch(options.BatchSize, env.ObservationSize, env.ActionSize);
        _indices = new int[options.BatchSize];
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public A2cOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "a2c";

    /// <inheritdoc />
    public string EnvId => _learner.Env.Id;

    /// <inheritdoc />
    object IOnPolicyAlgorithm.Options => Options;

    /// <inheritdoc />
    public OnPolicyLearner Learner => _learner;

    /// <inheritdoc />
    public ActorCriticPolicy Policy => _learner.Policy;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers =>
        _valueOptimizer is null ? [("optimizer", _optimizer)] : [("optimizer", _optimizer), ("value_optimizer", _valueOptimizer)];

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _learner.Learn(totalSteps, callbacks);

    private bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options;
        double lr = o.LearningRateSchedule.Evaluate(o.LearningRate, progressRemaining);
        _optimizer.LearningRate = lr;
        bool separateValue = _valueOptimizer is not null;
        _batch.Load(_learner.Buffer, _indices);
        if (o.NormalizeAdvantage)
        {
            _batch.NormalizeAdvantages();
        }

        _tape.Reset();
        var eval = Policy.Evaluate(_tape, _batch.Observations, _batch.Actions, withValue: !separateValue);
        // policy gradient loss -mean(A log pi): the advantages are data, so only log pi is differentiated
        var policyLoss = _tape.Scale(_tape.Mean(_tape.Mul(eval.LogProb, _batch.Advantages)), -1.0);
        var entropy = _tape.Mean(eval.Entropy);
        var loss = _tape.Sub(policyLoss, _tape.Scale(entropy, o.EntCoef));
        var diagnostics = new UpdateDiagnostics();
        double valueLoss = double.NaN;
        if (!separateValue)
        {
            var vloss = _tape.Mse(eval.Value!, _batch.Returns);
            valueLoss = vloss.Data[0];
            loss = _tape.Add(loss, _tape.Scale(vloss, o.VfCoef));
        }

        _learner.EnsureFinite(loss.Data[0], "the A2C loss");
        _optimizer.ZeroGrad();
        _tape.Backward(loss);
        if (o.MaxGradNorm is double maxNorm)
        {
            GradientClipping.ClipByGlobalNorm(_policyParameters, maxNorm);
        }

        _optimizer.Step();
        diagnostics.AddPolicy(policyLoss.Data[0], entropy.Data[0], double.NaN, double.NaN);
        if (!separateValue)
        {
            diagnostics.AddValue(valueLoss);
        }
        else
        {
            FitValue(ref diagnostics, lr);
        }

        diagnostics.WriteTo(metrics);
        metrics.Set(MetricNames.LearningRate, lr);
        return true;
    }

    /// <summary>The seed's separate critic fit: <see cref="A2cOptions.TrainValueIterations"/> full-batch MSE steps.</summary>
    private void FitValue(ref UpdateDiagnostics diagnostics, double policyLr)
    {
        var o = Options;
        double baseRate = o.ValueLearningRate ?? o.LearningRate;
        _valueOptimizer!.LearningRate = o.LearningRate > 0 ? baseRate * (policyLr / o.LearningRate) : baseRate;
        for (int it = 0; it < o.TrainValueIterations; it++)
        {
            _tape.Reset();
            var loss = _tape.Mse(Policy.Value(_tape, _batch.Observations), _batch.Returns);
            _learner.EnsureFinite(loss.Data[0], "the value loss");
            _valueOptimizer.ZeroGrad();
            _tape.Backward(loss);
            if (o.MaxGradNorm is double maxNorm)
            {
                GradientClipping.ClipByGlobalNorm(_valueParameters, maxNorm);
            }

            _valueOptimizer.Step();
            diagnostics.AddValue(loss.Data[0]);
        }
    }
}
