using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff.Nn;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>One batched update of the listed members: the lockstep loop over their update passes (<see cref="Rl.Algorithms.IMinibatchUpdate"/>).</summary>
internal sealed partial class DevicePopulationUpdate
{
    private double[] _hostObs = [], _hostActions = [], _hostOld = [], _hostAdvantages = [], _hostReturns = [];
    private double[] _hostLogProb = [], _hostEntropy = [], _hostValues = [], _hostClip = [];
    private bool[] _active = [], _listed = [];
    private int[] _slotOf = [];
    private int _threads = 1;

    /// <summary>
    /// One update of members <paramref name="members"/> (indices into the batch) at their
    /// <paramref name="progressRemaining"/>: their passes run in lockstep, each round of minibatches one batched gradient
    /// and step; each member's metrics go into <paramref name="metrics"/>, an exception that ends its update into
    /// <paramref name="errors"/> (its parameters are then the ones its steps so far left, as a solo update leaves them).
    /// </summary>
    public void UpdateAll(ReadOnlySpan<int> members, ReadOnlySpan<double> progressRemaining, IReadOnlyList<MetricsRecord> metrics, Exception?[] errors, int threads)
    {
        _threads = threads;
        int k = _members.Length;
        Array.Clear(_active);
        Array.Clear(_listed);
        for (int j = 0; j < members.Length; j++)
        {
            int m = members[j];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)m, (uint)k, nameof(members));
            errors[j] = null;
            _members[m].BeginUpdatePass(progressRemaining[j]);
            _hostClip[m] = _ppo[m]?.CurrentClipRange ?? 0.0;
            _listed[m] = true;
            _active[m] = true;
            _slotOf[m] = j;
        }

        Upload();
        _optimizer.Upload();
        while (NextRound())
        {
            Forward();
            if (Accept(errors))
            {
                Backward();
                _optimizer.Step();
            }
        }

        Download(members);
        _optimizer.Download(members);
        // each listed member's end of pass (its metrics, the seeds' value fit on its CPU critic), on the threads
        ForMembers(m =>
        {
            if (!_listed[m] || errors[_slotOf[m]] is not null)
            {
                return;
            }

            int j = _slotOf[m];
            try
            {
                _members[m].EndUpdatePass(metrics[j]);
            }
            catch (Exception e)
            {
                errors[j] = e;
            }
        });
    }

    // every active member's next minibatch packed for the device; false when no member has one left
    private bool NextRound()
    {
        ForMembers(m =>
        {
            if (_active[m] && !_members[m].NextMinibatch())
            {
                _active[m] = false;
            }

            if (_active[m])
            {
                var b = _members[m].CurrentMinibatch;
                int r = _rows, obs = _obsSize, a = _head.ActionColumns;
                b.Observations.Data[..(r * obs)].CopyTo(_hostObs.AsSpan(m * r * obs, r * obs));
                b.Actions.Data[..(r * a)].CopyTo(_hostActions.AsSpan(m * r * a, r * a));
                b.OldLogProbs.Data[..r].CopyTo(_hostOld.AsSpan(m * r, r));
                b.Advantages.Data[..r].CopyTo(_hostAdvantages.AsSpan(m * r, r));
                b.Returns.Data[..r].CopyTo(_hostReturns.AsSpan(m * r, r));
            }
        });
        return Array.IndexOf(_active, true) >= 0;
    }

    // the members' host-side work on the population's threads: each member touches only its own state and slices
    private void ForMembers(Action<int> work)
    {
        if (_threads <= 1)
        {
            for (int m = 0; m < _members.Length; m++)
            {
                work(m);
            }

            return;
        }

        Parallel.For(0, _members.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, work);
    }

    // every member's actor, head and critic over its rows; log pi, H and V come back for the diagnostics
    private void Forward()
    {
        _device.CopyToDevice(_hostObs, _obs.View);
        _device.CopyToDevice(_hostActions, _actions.View);
        _device.CopyToDevice(_hostOld, _oldLogProbs.View);
        _device.CopyToDevice(_hostAdvantages, _advantages.View);
        var head = _actor.Forward(_obs.View, _rows);
        _head.Forward(head, _actions.View, _logProb.View, _entropy.View);
        _device.CopyToHost(_logProb.View, _hostLogProb);
        int entropies = _members.Length * _head.EntropyPerMember;
        _device.CopyToHost(_entropy.View.SubView(0, entropies), _hostEntropy.AsSpan(0, entropies));
        if (_withValue)
        {
            _device.CopyToDevice(_hostReturns, _returns.View);
            _device.CopyToHost(_critic.Forward(_obs.View, _rows), _hostValues);
        }
    }

    // each active member's diagnostics into its pass: a member whose target KL stops it, or whose loss is not finite,
    // leaves the batch without a step; true when some member steps
    private bool Accept(Exception?[] errors)
    {
        ForMembers(m =>
        {
            _optimizer.Skip(m);
            if (!_active[m])
            {
                return;
            }

            int r = _rows;
            var member = _members[m];
            var logProb = _hostLogProb.AsSpan(m * r, r);
            int h = _head.EntropyPerMember;
            var entropy = _hostEntropy.AsSpan(m * h, h);
            var values = _withValue ? _hostValues.AsSpan(m * r, r) : default;
            var stats = _isPpo
                ? DeviceActorCriticGradient.PpoClipStats(logProb, entropy, values, member.CurrentMinibatch, r, _hostClip[m], _entCoef, _vfCoef)
                : DeviceActorCriticGradient.A2cStats(logProb, entropy, values, member.CurrentMinibatch, r, _entCoef, _vfCoef);
            bool step;
            try
            {
                step = member.AcceptGradient(stats);
            }
            catch (Exception e)
            {
                errors[_slotOf[m]] = e;
                step = false;
            }

            if (step)
            {
                _optimizer.Take(m);
            }
            else
            {
                _active[m] = false;
            }
        });
        return Array.IndexOf(_active, true) >= 0;
    }

    // every member's gradient: the surrogate's rule at its own clip range, the head's rules, the actor's backward, and
    // with the value term the MSE's rule and the critic's backward (each member's mean over its own rows)
    private void Backward()
    {
        int k = _members.Length;
        int rows = k * _rows;
        _gradLogProb.View.MemSetToZero();
        if (_isPpo)
        {
            _device.CopyToDevice(_hostClip, _clipRanges.View);
            _kernels.BatchedAccumulateClippedSurrogateBackward(1.0, _logProb.View, _oldLogProbs.View, _advantages.View, _clipRanges.View, k, _rows, _gradLogProb.View);
        }
        else
        {
            // L_policy = -mean(A log pi) per member: each log pi gets (-1 * (1 / rows)) * A, as the single agent's rule
            _kernels.AccumulateScaled(_advantages.View, -1.0 * (1.0 / _rows), _gradLogProb.View, rows);
        }
        _head.Backward(_actor.LastOutput(_rows), _actions.View, _entropy.View, _gradLogProb.View, _entCoef, _gradHead.View);
        _actor.Backward(_obs.View, _gradHead.View, _rows);
        if (_withValue)
        {
            _gradValues.View.MemSetToZero();
            _kernels.BatchedAccumulateMseBackward(_vfCoef, _critic.LastOutput(_rows), _returns.View, _gradValues.View, k, _rows);
            _critic.Backward(_obs.View, _gradValues.View, _rows);
        }
    }

    // every member's parameters to the device (one copy per array)
    private void Upload()
    {
        _actor.Upload([.. _agents.Select(a => a.Policy.ActorLayers)]);
        _critic.Upload([.. _agents.Select(a => a.Policy.CriticLayers)]);
        _head.Upload([.. _agents.Select(a => a.Policy)]);
    }

    // the listed members' trained parameters back into their CPU policies (the others' are not touched)
    private void Download(ReadOnlySpan<int> members)
    {
        var actors = new IReadOnlyList<Linear>?[_agents.Length];
        var critics = new IReadOnlyList<Linear>?[_agents.Length];
        var policies = new ActorCriticPolicy?[_agents.Length];
        foreach (int m in members)
        {
            actors[m] = _agents[m].Policy.ActorLayers;
            critics[m] = _agents[m].Policy.CriticLayers;
            policies[m] = _agents[m].Policy;
        }

        _actor.Download(actors);
        _critic.Download(critics);
        _head.Download(policies);
    }

    private void AllocateHost(int k)
    {
        long rows = (long)k * _rows;
        _hostObs = new double[rows * _obsSize];
        _hostActions = new double[rows * _head.ActionColumns];
        _hostOld = new double[rows];
        _hostAdvantages = new double[rows];
        _hostReturns = new double[rows];
        _hostLogProb = new double[rows];
        _hostEntropy = new double[rows];
        _hostValues = new double[rows];
        _hostClip = new double[k];
        _active = new bool[k];
        _listed = new bool[k];
        _slotOf = new int[k];
    }
}
