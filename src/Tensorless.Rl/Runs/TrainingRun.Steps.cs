using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>
/// A started run's steps (<see cref="BeginTraining"/>, then these until false, then <see cref="FinishTraining"/>): one
/// rollout and update at a time, or for a population whose device batches the members' updates, the two halves around
/// that batch. Each runs under the same handling: a divergence ends the run for <see cref="FinishTraining"/> to report,
/// any other error ends it without a save and is rethrown.
/// </summary>
public sealed partial class TrainingRun
{
    /// <summary>
    /// One rollout and update of a run started with <see cref="BeginTraining"/>; returns whether training goes on. A run
    /// that diverges (a NaN loss or parameter) returns false, and <see cref="FinishTraining"/> reports it.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginTraining"/> was not called.</exception>
    public bool TrainStep() => Guarded(static learner => learner.LearnStep(), "TrainStep");

    /// <summary>
    /// <see cref="TrainStep"/>'s first half for a population whose device runs the members' updates together: the
    /// budget check and the rollout (<see cref="OnPolicyLearner.BeginStep"/>). True when an update is due; the caller
    /// runs it, then calls <see cref="FinishBatchedStep"/>.
    /// </summary>
    internal bool BeginBatchedStep() => Guarded(static learner => learner.BeginStep(), "TrainStep");

    /// <summary>
    /// <see cref="TrainStep"/>'s second half after a batched update: <paramref name="updateError"/> (the exception that
    /// ended this member's update, or null) is handled as if the update had thrown it here (a divergence ends the run
    /// as <see cref="TrainStep"/> ends it).
    /// </summary>
    internal bool FinishBatchedStep(Exception? updateError, double updateSeconds) =>
        Guarded(learner =>
        {
            if (updateError is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(updateError).Throw();
            }

            return learner.FinishStep(go: true, updateSeconds);
        }, "FinishBatchedStep");

    // runs a step of the learner with TrainStep's handling: a divergence ends the run for FinishTraining to report; any
    // other error ends it without a save and is rethrown
    private bool Guarded(Func<OnPolicyLearner, bool> step, string name)
    {
        var state = _training ?? throw new InvalidOperationException($"Call BeginTraining before {name}.");
        if (state.Done)
        {
            return false;
        }

        try
        {
            bool go = step(Agent.Learner);
            state.Done = !go;
            return go;
        }
        catch (TrainingDivergedException ex)
        {
            state.Diverged = ex;
            state.Done = true;
            return false;
        }
        catch
        {
            // an error that is not a divergence ends the run without a save: nothing is known about the state it left
            _training = null;
            _failed = true;
            try
            {
                Agent.Learner.EndLearning();
            }
            finally
            {
                state.Metrics.Dispose();
            }

            throw;
        }
    }
}
