using System.Diagnostics;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Populations;

/// <summary>
/// A population on a device (<see cref="PopulationRequest.Device"/>): the members' rollouts in one batch per tick, and
/// where the device serves the members (<see cref="IPopulationUpdateDevice"/>), their updates in lockstep too. A tick
/// then has three phases: every member's rollout part and budget check on the threads
/// (<see cref="TrainingRun.BeginBatchedStep"/>), one batched update of the members due one, and every member's progress,
/// checks and callbacks on the threads (<see cref="TrainingRun.FinishBatchedStep"/>).
/// </summary>
public sealed partial class PopulationRun
{
    private enum TickPhase
    {
        Step,
        Begin,
        Finish,
    }

    private TickPhase _phase;
    private bool[]? _began;
    private int[]? _slot;
    private int[]? _deviceIndex;
    private int[] _batchMembers = [];
    private double[] _batchProgress = [];
    private MetricsRecord[] _batchMetrics = [];
    private Exception?[] _batchErrors = [];
    private double _batchSeconds;

    /// <summary>Where the members' rollouts run (<see cref="PopulationRequest.Device"/>): null for the CPU.</summary>
    public string? DeviceName => _rollouts?.Name;

    /// <summary>Whether the members' updates run batched on the device too (otherwise each member updates on a CPU thread).</summary>
    public bool UpdatesOnDevice => _updates is not null;

    /// <summary>Why the members' updates stay on the CPU threads though a device is set; null when they run there, or with no device.</summary>
    public string? UpdateUnavailableReason => _rollouts switch
    {
        null => null,
        IPopulationUpdateDevice updates => updates.UpdateUnavailableReason,
        _ => "the device batches rollouts only",
    };

    /// <summary>
    /// The batched rollouts of the members still to train on <paramref name="device"/>, each member's learner pointed at
    /// its part; null for the CPU (or when no member is left).
    /// </summary>
    /// <exception cref="NotSupportedException">The device cannot serve these members; the message says why.</exception>
    private static IPopulationRolloutDevice? CreateRollouts(string? device, TrainingRun?[] runs)
    {
        var agents = runs.Where(r => r is not null).Select(r => r!.Agent).ToArray();
        if (device is null || agents.Length == 0)
        {
            return null;
        }

        var rollouts = GradientDevices.CreatePopulation(device, agents);
        for (int k = 0; k < agents.Length && rollouts is not null; k++)
        {
            agents[k].Learner.RolloutDevice = rollouts.Member(k);
        }

        return rollouts;
    }

    /// <summary>One tick with the updates batched: the members' rollouts, one update of all of them, their bookkeeping.</summary>
    private void RunBatchedTick(WorkerGroup group)
    {
        EnsureBatch();
        try
        {
            _phase = TickPhase.Begin;
            RunTick(group);
            int count = Gather();
            UpdateBatch(count);
            _phase = TickPhase.Finish;
            RunTick(group);
        }
        finally
        {
            _phase = TickPhase.Step;
        }
    }

    // the members that began a step, as the batch's slots: their device index, progress and metrics record
    private int Gather()
    {
        int count = 0;
        for (int a = 0; a < _activeCount; a++)
        {
            int i = _active[a];
            if (_began![i])
            {
                var learner = _runs[i]!.Agent.Learner;
                _slot![i] = count;
                _batchMembers[count] = _deviceIndex![i];
                _batchProgress[count] = learner.StepProgressRemaining;
                _batchMetrics[count] = learner.StepMetrics;
                _batchErrors[count] = null;
                count++;
            }
        }

        return count;
    }

    // one batched update of the gathered members; a failure of the batch itself becomes each member's own error
    private void UpdateBatch(int count)
    {
        _batchSeconds = 0;
        if (count > 0)
        {
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                _updates!.UpdateAll(_batchMembers.AsSpan(0, count), _batchProgress.AsSpan(0, count), new ArraySegment<MetricsRecord>(_batchMetrics, 0, count), _batchErrors, Threads);
            }
            catch (Exception e)
            {
                // the batch itself failed (the device, or a member's pass outside its own checks): every member of the
                // batch ends as a solo run whose update threw it would, and the finish phase reports each by name
                var error = e is AggregateException { InnerExceptions.Count: 1 } one ? one.InnerExceptions[0] : e;
                for (int j = 0; j < count; j++)
                {
                    // one exception object per member: each is rethrown on its own worker thread
                    _batchErrors[j] ??= new InvalidOperationException($"The population's batched update on {DeviceName} failed: {error.Message}", error);
                }
            }

            _batchSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds / count; // each member's share of the batch
        }
    }

    /// <summary>A worker's step of member <paramref name="i"/> in the current phase.</summary>
    private void StepMember(int i, TrainingRun run)
    {
        switch (_phase)
        {
            case TickPhase.Begin:
                _began![i] = run.BeginBatchedStep();
                _going[i] = _began[i];
                break;
            case TickPhase.Finish:
                if (_began![i])
                {
                    _going[i] = run.FinishBatchedStep(_batchErrors[_slot![i]], _batchSeconds);
                }

                break;
            default:
                _going[i] = run.TrainStep();
                break;
        }
    }

    private void EnsureBatch()
    {
        if (_deviceIndex is not null)
        {
            return;
        }

        int n = _runs.Length;
        _began = new bool[n];
        _slot = new int[n];
        _deviceIndex = new int[n];
        int k = 0;
        for (int i = 0; i < n; i++)
        {
            _deviceIndex[i] = _runs[i] is null ? -1 : k++;
        }

        _batchMembers = new int[k];
        _batchProgress = new double[k];
        _batchMetrics = new MetricsRecord[k];
        _batchErrors = new Exception?[k];
    }
}
