using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Asynchronous advantage actor-critic (A3C; Mnih et al. 2016, Algorithm S3): K actor-learner workers, each with its
/// own copy theta' of the policy and its own gradient buffer, learn from their own envs with the segment's bootstrapped
/// n-step returns (t_max = <see cref="OnPolicyOptions.NumSteps"/>) and apply their gradients to the shared parameters
/// through the paper's shared RMSprop, without a lock (Hogwild).
/// <para>
/// Threading and env ownership. The envs are one vector env of K x N envs owned by the <see cref="OnPolicyLearner"/>;
/// worker k owns env columns [k N, (k + 1) N). The envs step in lockstep: each round the learner collects t_max steps of
/// every column with the shared weights theta, which is every worker's theta' because all workers sync at the start of
/// the round (the schedule of A3C in which the K segments start together). Each worker then, on its own thread, copies
/// theta into theta', computes its gradient on its own rows at theta' and applies it to theta. Asynchrony is therefore in
/// the updates only: K optimizer steps per round, racing on theta and on the shared RMSprop statistics. The trade-off:
/// env stepping and the rollout's forward passes run on one thread (so the speed-up from more workers is bounded by the
/// update's share of the time), and the segments cannot drift apart as the paper's free-running threads do; in return
/// every piece of state lives where <see cref="Checkpoints.Checkpoint"/> already saves it (one env snapshot, one
/// generator, one collector), the boundary rules and statistics are the shared collector's (cut at terminated,
/// V(final observation) at truncated, V(s_{t_max}) at the segment's end), and a deterministic run resumes exactly.
/// Free-running workers with envs of their own would parallelise env stepping too, but need every worker's env
/// snapshot, generator and episode bookkeeping in the checkpoint.
/// </para>
/// <para>
/// Determinism. With <see cref="A3cOptions.Deterministic"/> the workers run in the fixed round-robin order 0, 1, ...,
/// K-1 on the caller's thread: each computes its gradient at the theta' of the round start, then the steps are applied
/// in worker order, so a seed gives the same bits every run (the bits a concurrent computation of the same gradients
/// would give; they do not depend on timing, only the order of the steps does). Without it (the default, as the paper)
/// each worker applies as soon as its gradient is ready, so the order of the K steps, and element-wise interleavings of
/// concurrent steps, vary between runs: results are not reproducible and summary.json says <c>"reproducible": false</c>.
/// </para>
/// One learner "update" (metrics row, <see cref="TrainingProgress.Updates"/>) is one round of K worker steps; the
/// optimizer's step count counts worker steps. Dispose stops the worker threads.
/// </summary>
public sealed class A3c : IOnPolicyAlgorithm
{
    private readonly OnPolicyLearner _learner;
    private readonly SharedRmsProp _optimizer;
    private readonly A3cWorker[] _workers;
    private readonly WorkerGroup? _group;
    private readonly bool[] _finite;
    private volatile bool _disposed;

    /// <summary>Builds A3C on <paramref name="env"/> (all workers' envs); the options are validated first.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public A3c(IVectorEnv env, A3cOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { OnPolicy = options.OnPolicy with { NumEnvs = env.NumEnvs } };
        options.Validate();
        Options = options;
        var o = options.OnPolicy;
        _learner = new OnPolicyLearner(env, o, Update);
        _optimizer = new SharedRmsProp(_learner.Policy.Parameters, o.LearningRate, o.RmsPropAlpha, o.OptimizerEps);
        int k = options.NumWorkers;
        _workers = new A3cWorker[k];
        _finite = new bool[k];
        for (int w = 0; w < k; w++)
        {
            _workers[w] = new A3cWorker(w, k, _learner.Policy, o, env.ObservationSize, env.ActionSize);
        }

        // worker 0 runs on the caller's thread, the others each on a thread of their own; the deterministic mode's
        // round robin runs them all on the caller's thread (a worker's 20-odd rows are not worth a thread handoff)
        _group = options.Deterministic ? null : new WorkerGroup(k, Work, "tensorless-a3c", "A3C worker");
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public A3cOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "a3c";

    /// <inheritdoc />
    public string EnvId => _learner.Env.Id;

    /// <inheritdoc />
    IAlgorithmOptions IOnPolicyAlgorithm.Options => Options;

    /// <inheritdoc />
    public OnPolicyLearner Learner => _learner;

    /// <inheritdoc />
    public ActorCriticPolicy Policy => _learner.Policy;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers => [("optimizer", _optimizer)];

    /// <summary>The workers (tests).</summary>
    internal IReadOnlyList<A3cWorker> Workers => _workers;

    /// <summary>How many of the worker threads are running (tests: 0 after <see cref="Dispose"/>).</summary>
    internal int LiveThreads => _group?.LiveThreads ?? 0;

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _learner.Learn(totalSteps, callbacks);

    /// <summary>Stops and joins the worker threads (each finishes its current step first).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _group?.Dispose();
    }

    /// <summary>
    /// One round on the rollout in <see cref="OnPolicyLearner.Buffer"/>: every worker syncs theta' &lt;- theta, computes
    /// its gradient on its env columns and applies it to the shared parameters (as soon as ready, or in worker order when
    /// <see cref="A3cOptions.Deterministic"/>). Fills <paramref name="metrics"/> with the workers' mean losses.
    /// </summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end (drives the learning-rate schedule).</param>
    /// <param name="metrics">The record this round's losses go into.</param>
    /// <returns>True (A3C never asks to stop training).</returns>
    /// <exception cref="TrainingDivergedException">A worker's loss was NaN or infinite.</exception>
    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var o = Options.OnPolicy;
        double lr = o.LearningRateSchedule.Evaluate(o.LearningRate, progressRemaining);
        _optimizer.LearningRate = lr;
        foreach (var worker in _workers)
        {
            // theta' <- theta before anyone applies: every worker's segment was collected with these weights
            worker.Sync();
        }

        if (_group is null)
        {
            for (int w = 0; w < _workers.Length; w++)
            {
                Work(w);
            }
        }
        else
        {
            // every worker at once, worker 0 on this thread; the workers read the shared buffer, so the group returns
            // (or rethrows a worker's failure) only when all are done
            _group.Run(_workers.Length);
        }

        UpdateStats total = default;
        for (int w = 0; w < _workers.Length; w++)
        {
            _learner.EnsureFinite(_finite[w] ? 0 : double.NaN, $"the A3C loss of worker {w}");
            if (Options.Deterministic)
            {
                // the fixed round-robin order: worker 0's step, then worker 1's, ...
                _workers[w].Apply(_optimizer);
            }

            total.Add(_workers[w].Stats);
        }

        double k = _workers.Length;
        metrics.Set(MetricNames.PolicyLoss, total.PolicyLoss / k);
        metrics.Set(MetricNames.Entropy, total.Entropy / k);
        metrics.Set(MetricNames.ValueLoss, total.ValueLoss / k);
        metrics.Set(MetricNames.LearningRate, lr);
        return true;
    }

    /// <summary>Worker <paramref name="w"/>'s segment: gradient at theta', then (asynchronous mode) its lock-free step.</summary>
    private void Work(int w)
    {
        var worker = _workers[w];
        _finite[w] = worker.ComputeGradient(_learner.Buffer);
        if (_finite[w] && !Options.Deterministic)
        {
            worker.Apply(_optimizer);
        }
    }
}
