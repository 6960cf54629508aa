using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Trust region policy optimization (Schulman et al. 2015, arXiv:1502.05477; seed 001's derivation) as SB3-contrib's
/// <c>TRPO</c> runs it: after each rollout one step of the actor that maximises the surrogate
/// <c>L(theta) = E_t[pi_theta(a_t|s_t) / pi_old(a_t|s_t) A_t]</c> subject to <c>E_s[KL(pi_old || pi_theta)] &lt;= delta</c>,
/// found from the linear model of L and the quadratic model of the KL (its Hessian, the Fisher F), then checked by a
/// backtracking line search on the true L and KL; then a separate fit of the critic. F is applied exactly, never formed:
/// <c>F v = E_t[J_t^T M_t J_t v]</c> with <c>J v</c> by forward mode through the actor (<c>Mlp.ForwardWithTangent</c>),
/// <c>M</c> the distribution's own Fisher (<c>FisherKernels</c>) and <c>J^T</c> by a backward pass. <see cref="Npg"/>
/// is the same step without the line search.
/// </summary>
public sealed class Trpo : IOnPolicyAlgorithm
{
    private readonly NaturalGradientCore _core;
    private readonly double[] _g;
    private readonly double[] _x;
    private readonly double[] _fx;
    private readonly double[] _r;
    private readonly double[] _p;

    /// <summary>Builds TRPO on <paramref name="env"/>; the options are validated first (NumEnvs is taken from the env).</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public Trpo(IVectorEnv env, TrpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { OnPolicy = options.OnPolicy with { NumEnvs = env.NumEnvs } };
        options.Validate();
        Options = options;
        _core = new NaturalGradientCore(env, options, Update);
        int n = _core.ParameterCount;
        (_g, _x, _fx, _r, _p) = (new double[n], new double[n], new double[n], new double[n], new double[n]);
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public TrpoOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "trpo";

    /// <summary>The shared machinery (for tests: the Fisher-vector product on the prepared batch).</summary>
    internal NaturalGradientCore Core => _core;

    /// <inheritdoc />
    public string EnvId => _core.Learner.Env.Id;

    /// <inheritdoc />
    IAlgorithmOptions IOnPolicyAlgorithm.Options => Options;

    /// <inheritdoc />
    public OnPolicyLearner Learner => _core.Learner;

    /// <inheritdoc />
    public ActorCriticPolicy Policy => _core.Learner.Policy;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers => _core.Optimizers;

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _core.Learner.Learn(totalSteps, callbacks);

    /// <summary>Stops the update threads, if any.</summary>
    public void Dispose() => _core.Runner.Dispose();

    /// <summary>
    /// One TRPO update on the rollout in <see cref="OnPolicyLearner.Buffer"/>, in the paper's order: the surrogate's
    /// gradient, the natural direction by conjugate gradient, the step scaled to the trust region, the line search, and
    /// the critic's fit. Fills <paramref name="metrics"/>; allocates nothing.
    /// </summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end (drives the critic's learning-rate schedule).</param>
    /// <param name="metrics">The record this update's diagnostics go into.</param>
    /// <returns>True (TRPO never asks to stop training).</returns>
    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options;
        double delta = o.TargetKl;
        _core.Prepare();

        // g = grad_theta L(theta) at theta_old, L(theta) = mean_t [pi_theta(a_t|s_t) / pi_old(a_t|s_t) A_t]
        double surrogateOld = _core.SurrogateGradient(_g);

        // x = F^-1 g by conjugate gradient on (F + lambda I) x = g, F = mean_t J_t^T M_t J_t (the Hessian of the mean KL)
        var cg = ConjugateGradient.Solve(_core, _g, _x, o.CgMaxSteps, _r, _p, _fx);

        // the largest step of the quadratic model inside the region: (1/2) s^T F s = delta  =>  s = sqrt(2 delta / x^T F x) x
        _core.Multiply(_x, _fx);
        double xFx = ConjugateGradient.Dot(_x, _fx);
        double scale = xFx > 0 && double.IsFinite(xFx) ? Math.Sqrt(2.0 * delta / xFx) : 0.0;
        for (int i = 0; i < _x.Length; i++)
        {
            _core.FullStep[i] = scale * _x[i];
        }

        // backtracking line search: theta = theta_old + alpha^j s for the first j with mean KL(pi_old || pi_theta) <= delta
        // and L(theta) > L(theta_old); theta_old again if no j up to the limit qualifies
        var search = BacktrackingLineSearch.Search(_core, surrogateOld, delta, o.LineSearchShrinkingFactor, o.LineSearchMaxIter);

        // the critic: min mean_t (V(s_t) - R_t)^2 by Adam, NumCriticUpdates epochs over minibatches
        var shared = o.OnPolicy;
        double lr = shared.LearningRateSchedule.Evaluate(shared.LearningRate, progressRemaining);
        double valueLoss = _core.FitCritic(o.NumCriticUpdates, lr);

        metrics.Set("policy_objective", search.Surrogate);
        metrics.Set("surrogate_improvement", search.Surrogate - surrogateOld);
        metrics.Set("kl", search.Kl);
        metrics.Set("line_search_success", search.Accepted ? 1.0 : 0.0);
        metrics.Set("line_search_steps", (long)search.Iterations);
        metrics.Set("step_coefficient", search.Coefficient);
        metrics.Set("cg_steps", (long)cg.Iterations);
        metrics.Set("cg_residual", cg.ResidualNorm);
        metrics.Set(MetricNames.ValueLoss, valueLoss);
        metrics.Set(MetricNames.LearningRate, lr);
        return true;
    }
}
