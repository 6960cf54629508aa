using ILGPU;
using ILGPU.Runtime;
using Tensorless.Envs;

namespace Tensorless.Gpu;

// One batch of rollouts: every member's state up, the steps, everything down into the host staging.
internal sealed partial class DeviceRollout
{
    // the members' parameters, envs, generators and observations up (through the host staging)
    private void Upload()
    {
        var h = _host;
        for (int k = 0; k < _members; k++)
        {
            var learner = _learners[k];
            learner.EnsureStarted();
            if (!_discrete)
            {
                learner.Policy.LogStd!.Data.CopyTo(h.LogStd.AsSpan(k * _act, _act));
            }

            var env = h.Env[k];
            ((IExportableVectorEnv)learner.Env).ExportState(env);
            env.States.CopyTo(h.States, k * _n * _model.StateSize);
            env.FinalObservations.CopyTo(h.EnvFinal, k * _n * _obs);
            env.Elapsed.CopyTo(h.Elapsed, k * _n);
            env.Generators.CopyTo(h.Generators, k * _n * VectorEnvState.GeneratorWords);
            learner.Rng.GetState(h.XoshiroBefore.AsSpan(k * 4, 4));
            learner.Collector.CurrentObservations.CopyTo(h.Observations.AsSpan(k * _n * _obs, _n * _obs));
        }

        _actor.Upload([.. _learners.Select(l => l.Policy.ActorLayers)]);
        _critic.Upload([.. _learners.Select(l => l.Policy.CriticLayers)]);
        _device.CopyToDevice(h.States, _state.View);
        _device.CopyToDevice(h.EnvFinal, _envFinal.View);
        _elapsed.View.CopyFromCPU(h.Elapsed);
        _generators.View.CopyFromCPU(h.Generators);
        _xoshiro.View.CopyFromCPU(h.XoshiroBefore);
        _device.CopyToDevice(h.Observations.AsSpan(0, _all * _obs), Slot(_observations, 0, _all * _obs));
        _terminatedBefore.MemSetToZero(); // a vector env never holds a terminated episode between steps
        _finalObservations.MemSetToZero();
        if (!_discrete)
        {
            _device.CopyToDevice(h.LogStd, _logStd!.View);
            _kernels.BatchedBroadcastRow(_logStd.View, _logStdRows!.View, _members, _n, _act); // each row its member's log-std
        }
    }

    // RolloutCollector's loop body for every member at once: act, clip, step, end episodes, observe, bootstrap
    private void Step(int t)
    {
        int all = _all;
        var obs = Slot(_observations, t, all * _obs);
        var next = Slot(_observations, t + 1, all * _obs);
        var actions = Slot(_actions, t, all * _act);
        var logProbs = Slot(_logProbs, t, all);
        var rewards = Slot(_rewards, t, all);
        var terminated = Slot(_terminated, t, all);
        var truncated = Slot(_truncated, t, all);
        var head = _actor.Forward(obs, _n);
        if (_discrete)
        {
            _kernels.SampleCategorical(head, _xoshiro.View, actions, _n, _heads, _members);
            var packed = _packed!.View;
            _kernels.SoftmaxRows(head, packed, all, _heads);
            _kernels.CategoricalLogProb(head, actions, packed, logProbs, all, _heads);
        }
        else
        {
            _kernels.SampleGaussian(head, _logStd!.View, _xoshiro.View, actions, _n, _act, _members);
            _kernels.GaussianLogProb(head, _logStdRows!.View, actions, logProbs, all, _act, shared: false);
        }

        _kernels.Scale(_critic.Forward(obs, _n), 1.0, Slot(_values, t, all), all); // a copy
        var envActions = actions;
        if (_envActions is not null)
        {
            envActions = _envActions.View;
            _kernels.ClipActions(actions, _low!.View, _high!.View, envActions, all, _act);
        }

        _model.Step(_kernels, _state.View, _terminatedBefore.View, envActions, rewards, terminated, all);
        _model.Observe(_kernels, _state.View, next, all);
        _kernels.EndEpisodes(_model.Kind, _model.StateSize, _obs, _limit, t * all, _state.View, next, _elapsed.View, _generators.View,
            terminated, truncated, _terminatedBefore.View, _envFinal.View, _finalObservations.View, all);
        _model.Observe(_kernels, _state.View, next, all); // the reset envs' first observations

        // V(final observation) where an episode was truncated and not terminated (NaN elsewhere), as the CPU's bootstrap
        var finalValues = _critic.Forward(Slot(_finalObservations, t, all * _obs), _n);
        _kernels.SelectTruncationValues(finalValues, terminated, truncated, Slot(_truncationValues, t, all), all);
    }

    // the whole batch into the host staging, where each member takes its part
    private void Download()
    {
        var h = _host;
        int rows = _steps * _all;
        _device.CopyToHost(_observations.View, h.Observations);
        _device.CopyToHost(_actions.View, h.Actions);
        _device.CopyToHost(_rewards.View, h.Rewards);
        _device.CopyToHost(_terminated.View, h.Terminated);
        _device.CopyToHost(_truncated.View, h.Truncated);
        _device.CopyToHost(_values.View, h.Values);
        _device.CopyToHost(_logProbs.View, h.LogProbs);
        _device.CopyToHost(_finalObservations.View, h.FinalObservations);
        _device.CopyToHost(_truncationValues.View, h.TruncationValues);
        _device.CopyToHost(_lastValues.View, h.LastValues);
        if (_deviceGae)
        {
            _device.CopyToHost(_advantages!.View.SubView(0, rows), h.Advantages);
            _device.CopyToHost(_returns!.View.SubView(0, rows), h.Returns);
        }

        _device.CopyToHost(_state.View, h.States);
        _device.CopyToHost(_envFinal.View, h.EnvFinal);
        _device.Synchronize();
        _elapsed.View.CopyToCPU(h.Elapsed);
        _generators.View.CopyToCPU(h.Generators);
        _xoshiro.View.CopyToCPU(h.XoshiroAfter);
        h.Tick = _tick;
    }
}
