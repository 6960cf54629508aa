using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017) as Stable-Baselines3 and CleanRL implement it: after each rollout,
/// <see cref="PpoOptions.NumEpochs"/> passes over shuffled minibatches of the clipped surrogate (or the adaptive KL
/// penalty objective of the paper's section 4) plus value and entropy terms, with global-norm gradient clipping and an
/// optional early stop once approx KL passes <see cref="PpoOptions.TargetKl"/>. With
/// <see cref="PpoOptions.TrainValueIterations"/> &gt; 0 the PPO seed's variant runs instead: the policy loss alone drives
/// the actor and a separate optimizer fits the value network for that many full-batch steps.
/// </summary>
public sealed class Ppo : IOnPolicyAlgorithm
{
    private readonly OnPolicyLearner _learner;
    private readonly IOptimizer _optimizer;
    private readonly IOptimizer? _valueOptimizer;
    private readonly Tape _tape = new();
    private readonly Minibatch _minibatch;
    private readonly Minibatch? _fullBatch;
    private readonly int[] _indices;
    private readonly Parameter[] _policyParameters;
    private readonly Parameter[] _valueParameters;

    /// <summary>Builds PPO on <paramref name="env"/>; the options are validated first.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it), or the options' env count differs from the env's.</exception>
    public Ppo(IVectorEnv env, PpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { NumEnvs = env.NumEnvs };
        options.Validate();
        Options = options;
        KlBeta = options.KlBetaInit;
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
            _fullBatch = new Minibatch(options.RolloutSize, env.ObservationSize, env.ActionSize);
        }

        _minibatch = new Minibatch(options.BatchSize, env.ObservationSize, env.ActionSize);
        _indices = new int[options.RolloutSize];
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public PpoOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "ppo";

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

    /// <summary>The current penalty coefficient beta of the adaptive-KL objective.</summary>
    public double KlBeta { get; set; }

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _learner.Learn(totalSteps, callbacks);

    private bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options;
        double lr = o.LearningRateSchedule.Evaluate(o.LearningRate, progressRemaining);
        double clip = o.ClipRangeSchedule.Evaluate(o.ClipRange, progressRemaining);
        _optimizer.LearningRate = lr;
        var buffer = _learner.Buffer;
        var diagnostics = new UpdateDiagnostics();
        bool separateValue = _valueOptimizer is not null;
        int epochsRun = 0;
        double lastEpochKl = 0;
        bool stop = false;
        for (int epoch = 0; epoch < o.NumEpochs && !stop; epoch++)
        {
            Shuffle(_indices, _learner.Rng);
            double epochKl = 0;
            int batches = 0;
            for (int start = 0; start < _indices.Length; start += o.BatchSize)
            {
                _minibatch.Load(buffer, _indices.AsSpan(start, o.BatchSize));
                if (o.NormalizeAdvantage)
                {
                    _minibatch.NormalizeAdvantages();
                }

                _tape.Reset();
                var eval = Policy.Evaluate(_tape, _minibatch.Observations, _minibatch.Actions, withValue: !separateValue);
                var (approxKl, clipFraction) = UpdateDiagnostics.RatioStatistics(eval.LogProb.Data, _minibatch.OldLogProbs.Data, clip);
                if (o.TargetKl is double targetKl && approxKl > o.TargetKlFactor * targetKl)
                {
                    // SB3 and the PPO seed stop the policy iterations once the new policy has moved too far
                    stop = true;
                    break;
                }

                var policyLoss = PolicyLoss(eval.LogProb, clip);
                var entropy = _tape.Mean(eval.Entropy);
                var loss = _tape.Sub(policyLoss, _tape.Scale(entropy, o.EntCoef));
                double valueLoss = double.NaN;
                if (!separateValue)
                {
                    var vloss = ValueLoss(eval.Value!, o.ClipRangeVf);
                    valueLoss = vloss.Data[0];
                    loss = _tape.Add(loss, _tape.Scale(vloss, o.VfCoef));
                }

                _learner.EnsureFinite(loss.Data[0], "the PPO loss");
                _optimizer.ZeroGrad();
                _tape.Backward(loss);
                if (o.MaxGradNorm is double maxNorm)
                {
                    GradientClipping.ClipByGlobalNorm(_policyParameters, maxNorm);
                }

                _optimizer.Step();
                diagnostics.AddPolicy(policyLoss.Data[0], entropy.Data[0], approxKl, clipFraction);
                if (!separateValue)
                {
                    diagnostics.AddValue(valueLoss);
                }

                epochKl += approxKl;
                batches++;
            }

            if (batches > 0)
            {
                epochsRun++;
                lastEpochKl = epochKl / batches;
            }
        }

        if (o.PolicyObjective == PolicyObjective.AdaptiveKlPenalty && epochsRun > 0)
        {
            KlBeta = AdaptiveKlPenalty.NextBeta(KlBeta, lastEpochKl, o.KlTarget);
        }

        if (separateValue)
        {
            FitValue(ref diagnostics, lr);
        }

        diagnostics.WriteTo(metrics);
        metrics.Set(MetricNames.LearningRate, lr);
        metrics.Set("clip_range", clip);
        metrics.Set("epochs", (long)epochsRun);
        if (o.PolicyObjective == PolicyObjective.AdaptiveKlPenalty)
        {
            metrics.Set("kl_beta", KlBeta);
        }

        return true;
    }

    /// <summary>Clipped surrogate, or the adaptive-KL objective <c>-mean(r A) + beta mean(log pi_old - log pi)</c>.</summary>
    private Tensor PolicyLoss(Tensor logProb, double clip)
    {
        if (Options.PolicyObjective == PolicyObjective.Clip)
        {
            return _tape.PpoClipLoss(logProb, _minibatch.OldLogProbs, _minibatch.Advantages, clip);
        }

        var ratio = _tape.Exp(_tape.Sub(logProb, _minibatch.OldLogProbs));
        var surrogate = _tape.Mean(_tape.Mul(ratio, _minibatch.Advantages));
        var kl = _tape.Mean(_tape.Sub(_minibatch.OldLogProbs, logProb));
        return _tape.Sub(_tape.Scale(kl, KlBeta), surrogate);
    }

    /// <summary>MSE to the returns; with a clip range, SB3's clipped prediction <c>V_old + clamp(V - V_old, -c, c)</c>.</summary>
    private Tensor ValueLoss(Tensor value, double? clipRangeVf)
    {
        if (clipRangeVf is double c)
        {
            var delta = _tape.Clamp(_tape.Sub(value, _minibatch.OldValues), -c, c);
            value = _tape.Add(_minibatch.OldValues, delta);
        }

        return _tape.Mse(value, _minibatch.Returns);
    }

    /// <summary>The seed's separate critic fit: <see cref="PpoOptions.TrainValueIterations"/> full-batch MSE steps.</summary>
    private void FitValue(ref UpdateDiagnostics diagnostics, double policyLr)
    {
        var o = Options;
        var batch = _fullBatch!;
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }

        batch.Load(_learner.Buffer, _indices);
        double baseRate = o.ValueLearningRate ?? o.LearningRate;
        _valueOptimizer!.LearningRate = o.LearningRate > 0 ? baseRate * (policyLr / o.LearningRate) : baseRate;
        for (int it = 0; it < o.TrainValueIterations; it++)
        {
            _tape.Reset();
            var loss = _tape.Mse(Policy.Value(_tape, batch.Observations), batch.Returns);
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

    /// <summary>Fisher-Yates shuffle of 0..n-1 from the learner's generator.</summary>
    internal static void Shuffle(int[] indices, Xoshiro256 rng)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        for (int i = indices.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
    }
}
