using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// One A3C actor-learner (Mnih et al. 2016, Algorithm S3): its own copy of the policy (theta'), its own gradient buffer
/// and tape, and a fixed slice of the rollout's env columns. Per segment: <see cref="Sync"/> (theta' &lt;- theta), then
/// <see cref="ComputeGradient"/> on its slice at theta', then <see cref="Apply"/> to the shared parameters.
/// </summary>
internal sealed class A3cWorker
{
    private readonly ActorCriticPolicy _global;
    private readonly OnPolicyOptions _options;
    private readonly Tape _tape = new();
    private readonly Minibatch _batch;
    private readonly int[] _indices;

    /// <summary>Builds worker <paramref name="index"/> of <paramref name="workers"/> over a T x N rollout.</summary>
    public A3cWorker(int index, int workers, ActorCriticPolicy global, OnPolicyOptions options, int observationSize, int actionSize)
    {
        Index = index;
        _global = global;
        _options = options;
        // theta': the same networks with weights and gradients of its own; its initial weights are overwritten by Sync
        Policy = new ActorCriticPolicy(global.ObservationSpace, global.ActionSpace, global.Options, new Xoshiro256(0));
        int envs = options.NumEnvs / workers;
        int first = index * envs;
        _indices = new int[options.NumSteps * envs];
        for (int t = 0, i = 0; t < options.NumSteps; t++)
        {
            for (int e = 0; e < envs; e++)
            {
                // the buffer is time-major: sample (t, env) sits at t * NumEnvs + env
                _indices[i++] = t * options.NumEnvs + first + e;
            }
        }

        _batch = new Minibatch(_indices.Length, observationSize, actionSize);
    }

    /// <summary>The worker's number k.</summary>
    public int Index { get; }

    /// <summary>The worker's copy theta' of the policy; its gradient buffers hold the worker's gradient d theta.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>The rollout rows this worker learns from (its env columns, all T steps).</summary>
    public ReadOnlySpan<int> Rows => _indices;

    /// <summary>This segment's loss parts (means over the worker's rows).</summary>
    public UpdateStats Stats;

    /// <summary>theta' &lt;- theta: copies the shared weights into the worker's policy.</summary>
    public void Sync()
    {
        var from = _global.Parameters;
        var to = Policy.Parameters;
        for (int i = 0; i < from.Count; i++)
        {
            from[i].Data.CopyTo(to[i].Data);
        }
    }

    /// <summary>
    /// d theta = gradient, at theta', of the worker's loss over its slice of <paramref name="buffer"/> (whose returns and
    /// advantages the learner has already computed per env column: the segment's bootstrapped n-step returns), clipped
    /// by global norm when configured. Returns whether the loss was finite.
    /// </summary>
    public bool ComputeGradient(RolloutBuffer buffer)
    {
        _batch.Load(buffer, _indices);
        if (_options.NormalizeAdvantage)
        {
            _batch.NormalizeAdvantages();
        }

        Policy.Parameters.ZeroGrad();
        Stats = default;
        _tape.Reset();
        var loss = Loss(_tape);
        if (!double.IsFinite(loss.Data[0]))
        {
            return false;
        }

        _tape.Backward(loss);
        if (_options.MaxGradNorm is double maxNorm)
        {
            GradientClipping.ClipByGlobalNorm(Policy.Parameters, maxNorm);
        }

        return true;
    }

    /// <summary>Applies d theta to the shared parameters through the shared optimizer (lock-free).</summary>
    public void Apply(SharedRmsProp optimizer) => optimizer.Apply(Policy.Parameters);

    /// <summary>
    /// The paper's loss for one segment (section 4, with the entropy term of "exploration"):
    /// <c>L = L_policy - EntCoef * mean(H[pi](s_t)) + VfCoef * L_value</c>, as A2C minimises it, over the worker's rows.
    /// </summary>
    private Tensor Loss(Tape tape)
    {
        int n = _batch.Size;
        var (obs, actions) = _batch.Inputs(tape, 0, n);
        var advantages = Minibatch.Rows(tape, _batch.Advantages, 0, n);
        var eval = Policy.Evaluate(tape, obs, actions, withValue: true);
        // policy gradient: L_policy = -mean_t(log pi(a_t|s_t; theta') (R_t - V(s_t; theta_v'))); the advantage is data
        var policyLoss = tape.Scale(tape.Mean(tape.Mul(eval.LogProb, advantages)), -1.0);
        // entropy bonus: mean_t H[pi](s_t), subtracted so that a larger entropy lowers the loss
        var entropy = tape.Mean(eval.Entropy);
        // critic: L_value = mean_t (R_t - V(s_t; theta_v'))^2
        var valueLoss = tape.Mse(eval.Value!, Minibatch.Rows(tape, _batch.Returns, 0, n));
        var loss = tape.Add(tape.Sub(policyLoss, tape.Scale(entropy, _options.EntCoef)), tape.Scale(valueLoss, _options.VfCoef));
        Stats.Loss = loss.Data[0];
        Stats.PolicyLoss = policyLoss.Data[0];
        Stats.ValueLoss = valueLoss.Data[0];
        Stats.Entropy = entropy.Data[0];
        return loss;
    }
}
