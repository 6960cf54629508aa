using Tensorless.Envs.Random;

namespace Tensorless.Envs.Core;

/// <summary>Export and import of the per-env state as arrays (see <see cref="IExportableVectorEnv"/>).</summary>
internal sealed partial class ClassicVectorEnv
{
    /// <inheritdoc />
    public void ExportState(VectorEnvState state)
    {
        CheckExport(state);
        Span<ulong> words = stackalloc ulong[Pcg64.StateWords];
        for (int i = 0; i < NumEnvs; i++)
        {
            core.GetState(i, state.States.AsSpan(i * StateSize, StateSize));
            rngs[i]!.WriteState(words);
            words.CopyTo(state.Generators.AsSpan(i * VectorEnvState.GeneratorWords));
        }

        elapsed.CopyTo(state.Elapsed, 0);
        hasFinal.CopyTo(state.HasFinal, 0);
        finalObservations.CopyTo(state.FinalObservations, 0);
    }

    /// <inheritdoc />
    public void ImportState(VectorEnvState state)
    {
        CheckExport(state);
        var generators = new Pcg64?[NumEnvs];
        for (int i = 0; i < NumEnvs; i++)
        {
            if (state.Elapsed[i] < 0)
            {
                throw new ArgumentException($"{Id}: env {i} has a negative step count {state.Elapsed[i]}.", nameof(state));
            }

            try
            {
                generators[i] = Pcg64.FromState(state.Generators.AsSpan(i * VectorEnvState.GeneratorWords, VectorEnvState.GeneratorWords));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{Id}: env {i}'s generator: {e.Message}", nameof(state), e);
            }
        }

        // everything is checked; only now is the env touched
        Apply(state.States, generators, state.Elapsed, state.HasFinal, state.FinalObservations);
    }

    /// <summary>Puts checked per-env states, generators, step counts and final observations in place (import and snapshot load).</summary>
    private void Apply(double[] states, Pcg64?[] generators, int[] steps, bool[] finals, double[] finalObs)
    {
        for (int i = 0; i < NumEnvs; i++)
        {
            core.SetState(i, states.AsSpan(i * StateSize, StateSize));
            rngs[i] = generators[i];
        }

        steps.CopyTo(elapsed, 0);
        finals.CopyTo(hasFinal, 0);
        finalObs.CopyTo(finalObservations, 0);
    }

    private void CheckExport(VectorEnvState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.NumEnvs != NumEnvs || state.StateSize != StateSize || state.ObservationSize != ObservationSize)
        {
            throw new ArgumentException(
                $"{Id}: the state holds {state.NumEnvs} envs with {state.StateSize} state and {state.ObservationSize} observation values, this env {NumEnvs}, {StateSize} and {ObservationSize}.",
                nameof(state));
        }

        if (!started || Array.Exists(rngs, r => r is null))
        {
            throw new InvalidOperationException($"{Id}: reset the vector env before exporting or importing its state.");
        }
    }
}
