using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The machinery TRPO and NPG share, each part named after what it computes on the whole rollout: the surrogate and its
/// gradient g, the exact Fisher-vector product (<see cref="ILinearOperator"/>: <c>(F + lambda I) v</c> with
/// <c>F v = mean_t J_t^T M_t J_t v</c>), trying a step and measuring its true KL (<see cref="ITrustRegionCandidate"/>),
/// and the critic's Adam fit over minibatches. Every buffer is allocated here, once, so an update allocates nothing.
/// </summary>
internal sealed class NaturalGradientCore : ILinearOperator, ITrustRegionCandidate
{
    private readonly INaturalGradientOptions _options;
    private readonly OnPolicyLearner _learner;
    private readonly ActorCriticPolicy _policy;
    private readonly ParameterSet _actor;
    private readonly Parameter[] _criticParameters;
    private readonly int _mlpLength;
    private readonly int _head;
    private readonly Minibatch _batch;
    private readonly Minibatch _criticBatch;
    private readonly int[] _indices;
    private readonly double[] _oldHead;
    private readonly double[] _oldLogStd;
    private readonly double[] _logProbs;
    private readonly double[] _kl;
    private readonly double[] _thetaOld;
    private readonly double[] _theta;
    private readonly double[] _vector;
    private readonly Tape _inference = new(recording: false);
    private readonly DataParallelRunner.ChunkLoss _surrogateLoss;
    private readonly DataParallelRunner.ChunkLoss _fisherLoss;
    private readonly DataParallelRunner.ChunkLoss _valueLoss;

    /// <summary>Builds the learner, the runner, the critic's optimizer and every buffer.</summary>
    public NaturalGradientCore(IVectorEnv env, INaturalGradientOptions options, Func<double, MetricsRecord, bool> update)
    {
        _options = options;
        var shared = options.OnPolicy;
        _learner = new OnPolicyLearner(env, shared, update);
        _policy = _learner.Policy;
        Runner = new DataParallelRunner(_policy, shared.Threads);
        // data-parallel over processes (issue 14): the surrogate gradient, every Fisher-vector product of CG and the
        // critic's gradients go through the runner, so the learner's reducer averages each of them over the ranks
        _learner.AttachRunner(Runner);
        _actor = _policy.ActorParameters;
        _criticParameters = [.. _policy.CriticParameters];
        CriticOptimizer = OptimizerFactory.Create(shared, _criticParameters, shared.LearningRate);
        Optimizers = [("value_optimizer", CriticOptimizer)];
        _mlpLength = _policy.ActorNetwork.Parameters.TotalLength;
        _head = _policy.HeadSize;
        int rollout = shared.RolloutSize;
        _batch = new Minibatch(rollout, env.ObservationSize, env.ActionSize);
        _criticBatch = new Minibatch(options.MinibatchSize, env.ObservationSize, env.ActionSize);
        _indices = new int[rollout];
        _oldHead = new double[rollout * _head];
        _oldLogStd = new double[_policy.IsDiscrete ? 0 : _head];
        _logProbs = new double[rollout];
        _kl = new double[rollout];
        int n = _actor.TotalLength;
        ParameterCount = n;
        _thetaOld = new double[n];
        _theta = new double[n];
        _vector = new double[n];
        FullStep = new double[n];
        _surrogateLoss = SurrogateChunk;
        _fisherLoss = FisherChunk;
        _valueLoss = ValueChunk;
    }

    /// <summary>The shared rollout machinery.</summary>
    public OnPolicyLearner Learner => _learner;

    /// <summary>Computes the gradient passes in chunks, on one or more threads.</summary>
    public DataParallelRunner Runner { get; }

    /// <summary>The critic's Adam (checkpointed as <c>value_optimizer</c>).</summary>
    public IOptimizer CriticOptimizer { get; }

    /// <summary>The optimizers by checkpoint name: the critic's alone (the actor moves by natural-gradient steps).</summary>
    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers { get; }

    /// <summary>Number of actor parameters (the dimension of g, F and the step).</summary>
    public int ParameterCount { get; }

    /// <summary>The full step s that <see cref="TryStep"/> scales.</summary>
    public double[] FullStep { get; }

    /// <summary>
    /// Loads the whole rollout as one batch (advantages standardised when configured) and keeps pi_old: its parameters
    /// theta_old and its distribution parameters on every state, for the exact KL of later steps.
    /// </summary>
    public void Prepare()
    {
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }

        _batch.Load(_learner.Buffer, _indices);
        if (_options.OnPolicy.NormalizeAdvantage)
        {
            _batch.NormalizeAdvantages();
        }

        _actor.CopyValuesTo(_thetaOld);
        _inference.Reset();
        var obs = _inference.Constant(_batch.Observations.Data, _batch.Size, _batch.Observations.Cols);
        _policy.ActorNetwork.Forward(_inference, obs).Data.CopyTo(_oldHead);
        _policy.LogStd?.Data.CopyTo(_oldLogStd);
    }

    /// <summary>
    /// Writes <c>g = grad_theta L(theta)</c> at theta_old into <paramref name="gradient"/> and returns <c>L(theta_old)</c>,
    /// with the surrogate <c>L(theta) = mean_t [pi_theta(a_t|s_t) / pi_old(a_t|s_t) A_t]</c>.
    /// </summary>
    public double SurrogateGradient(Span<double> gradient)
    {
        var stats = Runner.Run(_batch.Size, _surrogateLoss);
        _learner.EnsureFinite(stats.PolicyLoss, "the TRPO surrogate");
        _actor.CopyGradsTo(gradient);
        return stats.PolicyLoss;
    }

    /// <summary><c>result = (F + lambda I) v</c>, F the Fisher of pi_old over the batch, computed exactly as <c>mean_t J_t^T M_t J_t v</c>.</summary>
    public void Multiply(ReadOnlySpan<double> v, Span<double> result)
    {
        v.CopyTo(_vector);
        Runner.Run(_batch.Size, _fisherLoss);
        _actor.CopyGradsTo(result);
        double damping = _options.CgDamping;
        for (int i = 0; i < result.Length; i++)
        {
            result[i] += damping * v[i];
        }
    }

    /// <inheritdoc />
    public (double Surrogate, double Kl) TryStep(double coefficient)
    {
        for (int i = 0; i < _theta.Length; i++)
        {
            _theta[i] = _thetaOld[i] + coefficient * FullStep[i];
        }

        _actor.CopyValuesFrom(_theta);
        return SurrogateAndKl();
    }

    /// <inheritdoc />
    public void Restore() => _actor.CopyValuesFrom(_thetaOld);

    /// <summary>
    /// The critic's regression <c>mean_t (V(s_t) - R_t)^2</c>, minimised by the critic's optimizer at
    /// <paramref name="learningRate"/> for <paramref name="epochs"/> passes over shuffled minibatches; returns the mean loss.
    /// </summary>
    public double FitCritic(int epochs, double learningRate)
    {
        CriticOptimizer.LearningRate = learningRate;
        int size = _options.MinibatchSize;
        double sum = 0;
        int steps = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Minibatch.Shuffle(_indices, _learner.Rng);
            for (int start = 0; start < _indices.Length; start += size)
            {
                _criticBatch.Load(_learner.Buffer, _indices.AsSpan(start, size));
                var stats = Runner.Run(size, _valueLoss);
                _learner.EnsureFinite(stats.ValueLoss, "the value loss");
                if (_options.OnPolicy.MaxGradNorm is double maxNorm)
                {
                    GradientClipping.ClipByGlobalNorm(_criticParameters, maxNorm);
                }

                CriticOptimizer.Step();
                sum += stats.ValueLoss;
                steps++;
            }
        }

        return sum / steps;
    }

    /// <summary>L(theta) and mean KL(pi_old || pi_theta) over the batch at the current parameters (forward only).</summary>
    private (double Surrogate, double Kl) SurrogateAndKl()
    {
        _inference.Reset();
        int rows = _batch.Size;
        var obs = _inference.Constant(_batch.Observations.Data, rows, _batch.Observations.Cols);
        var head = _policy.ActorNetwork.Forward(_inference, obs).Data;
        var actions = _batch.Actions.Data;
        if (_policy.IsDiscrete)
        {
            CategoricalKernels.LogProbRows(head, actions, _logProbs, _head);
            FisherKernels.CategoricalKl(_oldHead, head, _kl, _head);
        }
        else
        {
            var logStd = _policy.LogStd!.Data;
            GaussianKernels.LogProb(head, logStd, actions, _logProbs, _head, shared: true);
            FisherKernels.GaussianKl(_oldHead, _oldLogStd, head, logStd, _kl, _head);
        }

        var oldLogProbs = _batch.OldLogProbs.Data;
        var advantages = _batch.Advantages.Data;
        double surrogate = 0, kl = 0;
        for (int t = 0; t < rows; t++)
        {
            surrogate += Math.Exp(_logProbs[t] - oldLogProbs[t]) * advantages[t];
            kl += _kl[t];
        }

        surrogate /= rows;
        kl /= rows;
        if (_learner.GradientReducer is { } reducer)
        {
            // the line search accepts or shrinks a step on these: every rank must see the same numbers and take the same branch
            surrogate = reducer.Mean(surrogate);
            kl = reducer.Mean(kl);
        }

        return (surrogate, kl);
    }

    // L = mean_t r_t(theta) A_t with r_t = exp(log pi_theta(a_t|s_t) - log pi_old(a_t|s_t)); its gradient is g
    private Tensor SurrogateChunk(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var (obs, actions) = _batch.Inputs(tape, start, count);
        var oldLogProbs = Minibatch.Rows(tape, _batch.OldLogProbs, start, count);
        var advantages = Minibatch.Rows(tape, _batch.Advantages, start, count);
        var logProb = policy.Evaluate(tape, obs, actions, withValue: false).LogProb;
        var ratio = tape.Exp(tape.Sub(logProb, oldLogProbs));
        var surrogate = tape.Mean(tape.Mul(ratio, advantages));
        stats.PolicyLoss += weight * surrogate.Data[0];
        return tape.Scale(surrogate, weight);
    }

    // F v on one chunk: u_t = M_t (J_t v) from the forward-mode pass and the distribution's Fisher, then the backward
    // pass of mean_t <head_t, u_t> (u constant) leaves J^T u in the actor's gradients
    private Tensor FisherChunk(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var obs = Minibatch.Rows(tape, _batch.Observations, start, count);
        var head = policy.ActorNetwork.ForwardWithTangent(tape, obs, _vector.AsSpan(0, _mlpLength), out var jv);
        var u = tape.Workspace.Allocate(count, _head);
        Tensor inner;
        if (policy.IsDiscrete)
        {
            FisherKernels.CategoricalFisherVector(head.Data, jv.Data, u.Data, _head);
            inner = tape.Sum(tape.Mul(head, u));
        }
        else
        {
            var logStd = policy.LogStd!;
            var uLogStd = tape.Workspace.Allocate(1, _head);
            FisherKernels.GaussianFisherVector(logStd.Data, jv.Data, _vector.AsSpan(_mlpLength, _head), u.Data, uLogStd.Data, _head);
            // the log-std block is the same on every row of the chunk: count copies of <log_std, u_logstd>
            inner = tape.Add(tape.Sum(tape.Mul(head, u)), tape.Scale(tape.Sum(tape.Mul(logStd.Value, uLogStd)), count));
        }

        return tape.Scale(inner, weight / count);
    }

    // critic regression: mean_t (V(s_t) - R_t)^2 towards the estimator's returns
    private Tensor ValueChunk(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var obs = Minibatch.Rows(tape, _criticBatch.Observations, start, count);
        var returns = Minibatch.Rows(tape, _criticBatch.Returns, start, count);
        var loss = tape.Mse(policy.Value(tape, obs), returns);
        stats.ValueLoss += weight * loss.Data[0];
        return tape.Scale(loss, weight);
    }
}
