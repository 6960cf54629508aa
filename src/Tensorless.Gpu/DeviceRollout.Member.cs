using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

// Each member's part of a batch: the host staging the batch is downloaded into, and the view a member's collector takes.
internal sealed partial class DeviceRollout
{
    /// <summary>A batch of rollouts on the host, in the device's time-major layout over all K x N envs.</summary>
    private sealed class Staging
    {
        public Staging(int members, int n, int steps, int obs, int act, int stateSize, bool advantages)
        {
            int all = members * n;
            long rows = (long)steps * all;
            Observations = new double[(rows + all) * obs];
            Actions = new double[rows * act];
            Rewards = new double[rows];
            Terminated = new bool[rows];
            Truncated = new bool[rows];
            Values = new double[rows];
            LogProbs = new double[rows];
            FinalObservations = new double[rows * obs];
            TruncationValues = new double[rows];
            LastValues = new double[all];
            Advantages = advantages ? new double[rows] : [];
            Returns = advantages ? new double[rows] : [];
            States = new double[all * stateSize];
            EnvFinal = new double[all * obs];
            Elapsed = new int[all];
            Generators = new ulong[all * VectorEnvState.GeneratorWords];
            XoshiroBefore = new ulong[members * 4];
            XoshiroAfter = new ulong[members * 4];
            LogStd = new double[members * act];
            Env = [.. Enumerable.Range(0, members).Select(_ => new VectorEnvState(n, stateSize, obs))];
            Taken = new long[members];
        }

        public double[] Observations, Actions, Rewards, Values, LogProbs, FinalObservations, TruncationValues, LastValues, Advantages, Returns, States, EnvFinal, LogStd;
        public bool[] Terminated, Truncated;
        public int[] Elapsed;
        public ulong[] Generators, XoshiroBefore, XoshiroAfter;
        public VectorEnvState[] Env;

        /// <summary>The batch these arrays hold (0: none, or one that failed), and the batch each member last took.</summary>
        public long Tick;
        public long[] Taken;

        /// <summary>Wall seconds the batch took on the device, up and down included.</summary>
        public double Seconds;
    }

    /// <summary>Member k's rollout as its <see cref="RolloutCollector"/> takes it.</summary>
    private sealed class MemberRollout(DeviceRollout owner, int k) : IRolloutDevice
    {
        /// <summary>Whether taking a rollout runs the batch first (a single agent).</summary>
        public bool OnDemand { get; set; }

        public string Name => owner.Name;

        public double SharedSeconds { get; private set; }

        public bool Collect(ActorCriticPolicy policy, RolloutBuffer buffer, Xoshiro256 rng, Span<double> observations, AdvantageEstimator estimator, double gamma, double lambda)
        {
            ArgumentNullException.ThrowIfNull(policy);
            ArgumentNullException.ThrowIfNull(buffer);
            ArgumentNullException.ThrowIfNull(rng);
            var learner = owner._learners[k];
            if (!ReferenceEquals(policy, learner.Policy) || !ReferenceEquals(rng, learner.Rng) || !ReferenceEquals(buffer, learner.Buffer))
            {
                throw new ArgumentException($"This device rollout was built for another learner's policy, generator and buffer (member {k}).");
            }

            if (OnDemand)
            {
                owner.CollectAll();
            }

            var h = owner._host;
            Span<ulong> now = stackalloc ulong[4];
            rng.GetState(now);
            if (h.Tick == 0 || h.Taken[k] == h.Tick || !now.SequenceEqual(h.XoshiroBefore.AsSpan(k * 4, 4)))
            {
                throw new InvalidOperationException(
                    $"Member {k} has no fresh device rollout: run the population's CollectAll before each member's rollout, once per tick, without moving the learner in between.");
            }

            h.Taken[k] = h.Tick;
            // the advantages computed on the device are the ones asked for only with the options the batch was built from
            var options = learner.Options;
            bool advantages = owner._deviceGae && estimator == AdvantageEstimator.Gae && gamma == options.Gamma && lambda == options.GaeLambda;
            owner.TakeInto(k, buffer, observations, advantages);
            rng.SetState(h.XoshiroAfter.AsSpan(k * 4, 4));
            SharedSeconds = OnDemand ? 0.0 : h.Seconds / owner._members;
            return advantages;
        }
    }

    // member k's rows of the staged batch into its buffer, its envs and its current observations
    private void TakeInto(int k, RolloutBuffer buffer, Span<double> observations, bool advantages)
    {
        var h = _host;
        int n = _n, obs = _obs, act = _act;
        CheckFinite(k);
        for (int t = 0; t < _steps; t++)
        {
            int from = (t * _all) + (k * n), to = t * n;
            Copy(h.Observations, buffer.Observations, from, to, n * obs, obs);
            Copy(h.Actions, buffer.Actions, from, to, n * act, act);
            Copy(h.Rewards, buffer.Rewards, from, to, n, 1);
            h.Terminated.AsSpan(from, n).CopyTo(buffer.Terminated[to..]);
            h.Truncated.AsSpan(from, n).CopyTo(buffer.Truncated[to..]);
            Copy(h.Values, buffer.Values, from, to, n, 1);
            Copy(h.LogProbs, buffer.LogProbs, from, to, n, 1);
            Copy(h.FinalObservations, buffer.FinalObservations, from, to, n * obs, obs);
            Copy(h.TruncationValues, buffer.TruncationValues, from, to, n, 1);
            if (advantages)
            {
                Copy(h.Advantages, buffer.Advantages, from, to, n, 1);
                Copy(h.Returns, buffer.Returns, from, to, n, 1);
            }
        }

        h.Observations.AsSpan(((_steps * _all) + (k * n)) * obs, n * obs).CopyTo(observations);
        buffer.SetLastObservations(observations);
        h.LastValues.AsSpan(k * n, n).CopyTo(buffer.LastValues);

        var env = h.Env[k];
        h.States.AsSpan(k * n * _model.StateSize, n * _model.StateSize).CopyTo(env.States);
        h.EnvFinal.AsSpan(k * n * obs, n * obs).CopyTo(env.FinalObservations);
        h.Elapsed.AsSpan(k * n, n).CopyTo(env.Elapsed);
        h.Generators.AsSpan(k * n * VectorEnvState.GeneratorWords, n * VectorEnvState.GeneratorWords).CopyTo(env.Generators);
        int last = (_steps - 1) * n;
        for (int i = 0; i < n; i++)
        {
            env.HasFinal[i] = buffer.Terminated[last + i] || buffer.Truncated[last + i];
        }

        ((IExportableVectorEnv)_learners[k].Env).ImportState(env);
    }

    // the CPU's Categorical and DiagonalGaussian refuse NaN and infinite logits or means; the device samples regardless, so
    // a non-finite log-probability or value is turned into the same kind of error when the member takes its rollout (a
    // member that stopped, e.g. diverged, never takes one), before anything of the member's is touched
    private void CheckFinite(int k)
    {
        var h = _host;
        for (int t = 0; t < _steps; t++)
        {
            for (int i = 0; i < _n; i++)
            {
                int r = (t * _all) + (k * _n) + i;
                if (!double.IsFinite(h.LogProbs[r]) || !double.IsFinite(h.Values[r]))
                {
                    throw new ArgumentException(
                        $"{Name}: the policy gave a non-finite log-probability ({h.LogProbs[r]}) or value ({h.Values[r]}) at rollout step {t}, env {i}{(_members == 1 ? "" : $" of member {k}")}: its actor or critic output holds NaN or infinity (the CPU's distributions refuse such logits and means).");
                }
            }
        }
    }

    // rows [from, from + count / width) of the staged array into rows [to, ...) of a member's buffer array
    private static void Copy(double[] source, Span<double> destination, int from, int to, int count, int width) =>
        source.AsSpan(from * width, count).CopyTo(destination[(to * width)..]);
}
