using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The natural policy gradient (Kakade 2002, "A Natural Policy Gradient") with the normalised step of Rajeswaran et al.
/// (2017): after each rollout the actor moves along the natural gradient <c>F^-1 g</c>, scaled so that the quadratic
/// model of the KL equals delta, and keeps the step whatever the true KL and surrogate turn out to be; then the critic
/// is fitted separately. It shares TRPO's machinery (exact Fisher-vector products, conjugate gradient, critic fit); what
/// TRPO adds is the line search (see <see cref="Trpo"/>).
/// </summary>
public sealed class Npg : IOnPolicyAlgorithm
{
    private readonly NaturalGradientCore _core;
    private readonly double[] _g;
    private readonly double[] _x;
    private readonly double[] _fx;
    private readonly double[] _r;
    private readonly double[] _p;

    /// <summary>Builds NPG on <paramref name="env"/>; the options are validated first (NumEnvs is taken from the env).</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public Npg(IVectorEnv env, NpgOptions options)
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
    public NpgOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "npg";

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
    /// One NPG update on the rollout in <see cref="OnPolicyLearner.Buffer"/>: the surrogate's gradient, the natural
    /// direction by conjugate gradient, the normalised step, and the critic's fit. Fills <paramref name="metrics"/>;
    /// allocates nothing.
    /// </summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end (drives the critic's learning-rate schedule).</param>
    /// <param name="metrics">The record this update's diagnostics go into.</param>
    /// <returns>True (NPG never asks to stop training).</returns>
    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options;
        _core.Prepare();

        // g = grad_theta L(theta) at theta_old, L(theta) = mean_t [pi_theta(a_t|s_t) / pi_old(a_t|s_t) A_t] (= the policy gradient there)
        double surrogateOld = _core.SurrogateGradient(_g);

        // x = F^-1 g by conjugate gradient on (F + lambda I) x = g
        var cg = ConjugateGradient.Solve(_core, _g, _x, o.CgMaxSteps, _r, _p, _fx);

        // normalised step: theta = theta_old + sqrt(2 delta / x^T F x) x, taken as it is
        _core.Multiply(_x, _fx);
        double xFx = ConjugateGradient.Dot(_x, _fx);
        double scale = xFx > 0 && double.IsFinite(xFx) ? Math.Sqrt(2.0 * o.TargetKl / xFx) : 0.0;
        for (int i = 0; i < _x.Length; i++)
        {
            _core.FullStep[i] = scale * _x[i];
        }

        var (surrogate, kl) = _core.TryStep(1.0);

        // the critic: min mean_t (V(s_t) - R_t)^2 by Adam, NumCriticUpdates epochs over minibatches
        var shared = o.OnPolicy;
        double lr = shared.LearningRateSchedule.Evaluate(shared.LearningRate, progressRemaining);
        double valueLoss = _core.FitCritic(o.NumCriticUpdates, lr);

        metrics.Set("policy_objective", surrogate);
        metrics.Set("surrogate_improvement", surrogate - surrogateOld);
        metrics.Set("kl", kl);
        metrics.Set("step_size", scale);
        metrics.Set("cg_steps", (long)cg.Iterations);
        metrics.Set("cg_residual", cg.ResidualNorm);
        metrics.Set(MetricNames.ValueLoss, valueLoss);
        metrics.Set(MetricNames.LearningRate, lr);
        return true;
    }
}
