using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>One batched update of the listed members: the lockstep loop over their PPO passes.</summary>
internal sealed partial class DevicePopulationUpdate
{
    private double[] _hostObs = [], _hostActions = [], _hostOld = [], _hostAdvantages = [], _hostReturns = [];
    private double[] _hostLogProb = [], _hostEntropy = [], _hostValues = [], _hostClip = [], _hostSteps = [];
    private long[] _stepCount = [];
    private bool[] _active = [];
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
        for (int j = 0; j < members.Length; j++)
        {
            int m = members[j];
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)m, (uint)k, nameof(members));
            var ppo = _members[m];
            ppo.BeginUpdatePass(progressRemaining[j]);
            _hostClip[m] = ppo.CurrentClipRange;
            _active[m] = true;
            _slotOf[m] = j;
        }

        Upload();
        while (NextRound())
        {
            Forward();
            if (Accept(errors))
            {
                Backward();
                Step();
            }
        }

        Download(members);
        foreach (int m in members)
        {
            int j = _slotOf[m];
            if (errors[j] is null)
            {
                try
                {
                    _members[m].EndUpdatePass(metrics[j]);
                }
                catch (Exception e)
                {
                    errors[j] = e;
                }
            }
        }
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
                int r = _rows, obs = _obsSize;
                b.Observations.Data[..(r * obs)].CopyTo(_hostObs.AsSpan(m * r * obs, r * obs));
                b.Actions.Data[..r].CopyTo(_hostActions.AsSpan(m * r, r));
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
        long rows = (long)_members.Length * _rows;
        _device.CopyToDevice(_hostObs, _obs.View);
        _device.CopyToDevice(_hostActions, _actions.View);
        _device.CopyToDevice(_hostOld, _oldLogProbs.View);
        _device.CopyToDevice(_hostAdvantages, _advantages.View);
        var logits = _actor.Forward(_obs.View, _rows);
        _head.Forward(logits, _actions.View, _logProb.View, _entropy.View, (int)rows);
        _device.CopyToHost(_logProb.View, _hostLogProb);
        _device.CopyToHost(_entropy.View, _hostEntropy);
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
            _hostSteps[(3 * m) + 2] = 0.0;
            if (!_active[m])
            {
                return;
            }

            int r = _rows;
            var ppo = _members[m];
            var stats = DeviceActorCriticGradient.PpoClipStats(
                _hostLogProb.AsSpan(m * r, r), _hostEntropy.AsSpan(m * r, r), _withValue ? _hostValues.AsSpan(m * r, r) : default,
                ppo.CurrentMinibatch, r, _hostClip[m], _entCoef, _vfCoef);
            bool step;
            try
            {
                step = ppo.AcceptGradient(stats);
            }
            catch (Exception e)
            {
                errors[_slotOf[m]] = e;
                step = false;
            }

            if (!step)
            {
                _active[m] = false;
                return;
            }

            var adam = (Adam)ppo.UpdateOptimizer;
            var (negStepSize, bc2Sqrt) = DeviceKernels.AdamStepScalars(adam.LearningRate, adam.Beta1, adam.Beta2, ++_stepCount[m]);
            _hostSteps[3 * m] = negStepSize;
            _hostSteps[(3 * m) + 1] = bc2Sqrt;
            _hostSteps[(3 * m) + 2] = 1.0;
        });
        return Array.IndexOf(_active, true) >= 0;
    }

    // every member's gradient: the surrogate's rule at its own clip range, the head's rules, the actor's backward, and
    // with the value term the MSE's rule and the critic's backward (each member's mean over its own rows)
    private void Backward()
    {
        int k = _members.Length;
        int rows = k * _rows;
        _device.CopyToDevice(_hostClip, _clipRanges.View);
        _gradLogProb.View.MemSetToZero();
        _kernels.BatchedAccumulateClippedSurrogateBackward(1.0, _logProb.View, _oldLogProbs.View, _advantages.View, _clipRanges.View, k, _rows, _gradLogProb.View);
        var logits = _actor.LastOutput(_rows);
        _head.Backward(logits, _actions.View, _entropy.View, _gradLogProb.View, -_entCoef * (1.0 / _rows), _gradHead.View, rows);
        _actor.Backward(_obs.View, _gradHead.View, _rows);
        if (_withValue)
        {
            _gradValues.View.MemSetToZero();
            _kernels.BatchedAccumulateMseBackward(_vfCoef, _critic.LastOutput(_rows), _returns.View, _gradValues.View, k, _rows);
            _critic.Backward(_obs.View, _gradValues.View, _rows);
        }
    }

    // per-member clipping, then Adam for the members that step this round
    private void Step()
    {
        int k = _members.Length;
        if (_maxGradNorm is double limit)
        {
            _kernels.BatchedClipByGlobalNorm([.. _slots.Select(s => (s.Grad, s.Length))], k, limit, _norms.View, _totals.View);
        }

        _device.CopyToDevice(_hostSteps, _steps.View);
        for (int s = 0; s < _slots.Length; s++)
        {
            var slot = _slots[s];
            _kernels.BatchedAdamStep(slot.Value, slot.Grad, _expAvg[s].View, _expAvgSq[s].View, k, slot.Length, _steps.View, _adam0.Beta1, _adam0.Beta2, _adam0.Eps, _adam0.WeightDecay);
        }
    }

    // every member's parameters, Adam moments and step count to the device (one copy per array)
    private void Upload()
    {
        var policies = _members.Select(m => m.Policy).ToArray();
        _actor.Upload([.. policies.Select(p => p.ActorLayers)]);
        _critic.Upload([.. policies.Select(p => p.CriticLayers)]);
        var states = _members.Select(m => m.UpdateOptimizer.ExportState()).ToArray();
        for (int m = 0; m < _members.Length; m++)
        {
            _stepCount[m] = (long)states[m]["adam.step"][0];
        }

        for (int s = 0; s < _slots.Length; s++)
        {
            var slot = _slots[s];
            var host = new double[(long)_members.Length * slot.Length];
            foreach (var (buffer, name) in new[] { (_expAvg[s], "exp_avg"), (_expAvgSq[s], "exp_avg_sq") })
            {
                for (int m = 0; m < _members.Length; m++)
                {
                    states[m][$"adam.{name}.{slot.Parameters[m].Name}"].CopyTo(host.AsSpan(m * slot.Length, slot.Length));
                }

                _device.CopyToDevice(host, buffer.View);
            }
        }
    }

    // the listed members' trained parameters, moments and step counts back into their CPU policy and optimizer
    private void Download(ReadOnlySpan<int> members)
    {
        var policies = _members.Select(m => m.Policy).ToArray();
        _actor.Download([.. policies.Select(p => p.ActorLayers)]);
        _critic.Download([.. policies.Select(p => p.CriticLayers)]);
        var states = new Dictionary<string, double[]>[_members.Length];
        foreach (int m in members)
        {
            states[m] = new Dictionary<string, double[]>(StringComparer.Ordinal) { ["adam.step"] = [_stepCount[m]] };
        }

        for (int s = 0; s < _slots.Length; s++)
        {
            var slot = _slots[s];
            foreach (var (buffer, name) in new[] { (_expAvg[s], "exp_avg"), (_expAvgSq[s], "exp_avg_sq") })
            {
                var host = _device.Download(buffer.View);
                foreach (int m in members)
                {
                    states[m][$"adam.{name}.{slot.Parameters[m].Name}"] = host.AsSpan(m * slot.Length, slot.Length).ToArray();
                }
            }
        }

        foreach (int m in members)
        {
            _members[m].UpdateOptimizer.ImportState(states[m]);
        }
    }

    private void AllocateHost(int k)
    {
        long rows = (long)k * _rows;
        _hostObs = new double[rows * _obsSize];
        _hostActions = new double[rows];
        _hostOld = new double[rows];
        _hostAdvantages = new double[rows];
        _hostReturns = new double[rows];
        _hostLogProb = new double[rows];
        _hostEntropy = new double[rows];
        _hostValues = new double[rows];
        _hostClip = new double[k];
        _hostSteps = new double[3L * k];
        _stepCount = new long[k];
        _active = new bool[k];
        _slotOf = new int[k];
    }
}
