using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>Options of <see cref="TinyPolicyGradient"/>: the shared ones plus one of its own.</summary>
public sealed record TinyPolicyGradientOptions : IAlgorithmOptions
{
    /// <summary>Small rollouts and a small network, so the tests run in milliseconds.</summary>
    public OnPolicyOptions OnPolicy { get; init; } = new() { NumEnvs = 4, NumSteps = 16, LearningRate = 1e-2, Policy = new PolicyOptions { HiddenSizes = [8] } };

    /// <summary>Weight of the critic's MSE in the joint loss.</summary>
    public double BaselineCoef { get; init; } = 0.5;

    public IAlgorithmOptions WithOnPolicy(OnPolicyOptions onPolicy) => this with { OnPolicy = onPolicy };

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(OnPolicy);
        OnPolicy.Validate();
        if (!(BaselineCoef >= 0.0))
        {
            throw new ArgumentException($"BaselineCoef must be non-negative; got {BaselineCoef}.", nameof(BaselineCoef));
        }
    }
}

/// <summary>
/// An algorithm the engine has never heard of, defined in the tests: REINFORCE-style <c>-mean(A log pi) + c MSE(V, R)</c>,
/// one Adam step per rollout, built only from the public building blocks. It proves that an algorithm plugs in through
/// its registry entry alone: training runs, checkpoints, resume, evaluation and overrides reach it without naming it.
/// </summary>
public sealed class TinyPolicyGradient : IOnPolicyAlgorithm
{
    private static readonly Lazy<AlgorithmEntry> Registration = new(() =>
    {
        var entry = AlgorithmEntry.For<TinyPolicyGradientOptions>("tiny-pg", "TinyPG", (env, o) => new TinyPolicyGradient(env, o),
            [
                new TrainingPreset
                {
                    Name = "tiny-pg-cartpole",
                    Algorithm = "tiny-pg",
                    EnvId = "CartPole-v1",
                    Options = new TinyPolicyGradientOptions { BaselineCoef = 0.25 },
                    TotalSteps = 640,
                    TargetReturn = 475,
                    Source = "the tests",
                },
            ],
            new Dictionary<string, string> { ["CartPole-v1"] = "tiny-pg-cartpole" });
        AlgorithmRegistry.Register(entry);
        return entry;
    });

    private readonly DataParallelRunner _runner;
    private readonly DataParallelRunner.ChunkLoss _loss;
    private readonly Adam _adam;
    private readonly Minibatch _batch;
    private readonly int[] _all;

    public TinyPolicyGradient(IVectorEnv env, TinyPolicyGradientOptions options)
    {
        options = options.With(o => o with { NumEnvs = env.NumEnvs });
        options.Validate();
        Options = options;
        Learner = new OnPolicyLearner(env, options.OnPolicy, Update);
        _runner = new DataParallelRunner(Learner.Policy, options.OnPolicy.Threads);
        _loss = Loss;
        _adam = new Adam([.. Learner.Policy.Parameters], options.OnPolicy.LearningRate);
        _batch = new Minibatch(options.OnPolicy.RolloutSize, env.ObservationSize, env.ActionSize);
        _all = Enumerable.Range(0, options.OnPolicy.RolloutSize).ToArray();
    }

    /// <summary>Registers the algorithm once (the registry is process-wide) and returns its entry.</summary>
    public static AlgorithmEntry Entry => Registration.Value;

    public TinyPolicyGradientOptions Options { get; }

    public string Algorithm => "tiny-pg";

    public string EnvId => Learner.Env.Id;

    IAlgorithmOptions IOnPolicyAlgorithm.Options => Options;

    public OnPolicyLearner Learner { get; }

    public ActorCriticPolicy Policy => Learner.Policy;

    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers => [("optimizer", _adam)];

    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => Learner.Learn(totalSteps, callbacks);

    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        _batch.Load(Learner.Buffer, _all);
        var stats = _runner.Run(_batch.Size, _loss);
        Learner.EnsureFinite(stats.Loss, "the tiny loss");
        _adam.Step();
        metrics.Set(MetricNames.PolicyLoss, stats.PolicyLoss);
        metrics.Set(MetricNames.ValueLoss, stats.ValueLoss);
        return true;
    }

    public void Dispose() => _runner.Dispose();

    private Tensor Loss(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var (obs, actions) = _batch.Inputs(tape, start, count);
        var eval = policy.Evaluate(tape, obs, actions);
        var policyLoss = tape.Scale(tape.Mean(tape.Mul(eval.LogProb, Minibatch.Rows(tape, _batch.Advantages, start, count))), -1.0);
        var valueLoss = tape.Mse(eval.Value!, Minibatch.Rows(tape, _batch.Returns, start, count));
        var loss = tape.Add(policyLoss, tape.Scale(valueLoss, Options.BaselineCoef));
        stats.Loss += weight * loss.Data[0];
        stats.PolicyLoss += weight * policyLoss.Data[0];
        stats.ValueLoss += weight * valueLoss.Data[0];
        return tape.Scale(loss, weight);
    }
}
