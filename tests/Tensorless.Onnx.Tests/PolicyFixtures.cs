using Tensorless.Autodiff;
using Tensorless.Autodiff.Nn;
using Tensorless.Envs;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Options;

namespace Tensorless.Onnx.Tests;

/// <summary>Briefly trained, saved and reloaded policies, and the observations and reference outputs the tests compare.</summary>
internal static class PolicyFixtures
{
    /// <summary>
    /// Trains PPO for 256 env steps (two updates, enough to move the weights, log-std and normaliser statistics off
    /// their initial values), saves the run to <paramref name="directory"/> and loads it back as a user would.
    /// </summary>
    public static TrainedPolicy TrainSaveLoad(string envId, bool normalize, PolicyOptions policy, string directory)
    {
        var env = Gym.MakeVector(envId, numEnvs: 2, seed: 5);
        var options = new PpoOptions
        {
            OnPolicy = new()
            {
                NumEnvs = 2,
                NumSteps = 64,
                Seed = 5,
                LearningRate = 3e-3,
                NormalizeObservations = normalize,
                Policy = policy,
            },
            MinibatchSize = 32,
            NumEpochs = 2,
        };
        using (var agent = new Ppo(env, options))
        {
            agent.Learn(totalSteps: 256);
            agent.Save(directory);
        }

        return TrainedPolicy.Load(directory);
    }

    /// <summary>Small networks with odd widths, so a transposed weight would show.</summary>
    public static PolicyOptions Network(bool sharedTrunk, Activation activation) =>
        new() { HiddenSizes = [24, 17], SharedTrunk = sharedTrunk, Activation = activation };

    /// <summary>
    /// <paramref name="count"/> observations, already float32 values so both precisions see the same input: most drawn
    /// over the space's finite bounds (or [-3, 3] where a bound is infinite), every tenth 50 times wider, far enough out
    /// for the normaliser's clip to act.
    /// </summary>
    public static double[] Observations(Space space, int count, ulong seed)
    {
        var box = (Box)space;
        var rng = new Pcg64(seed);
        var result = new double[count * box.Size];
        for (int i = 0; i < count; i++)
        {
            double scale = i % 10 == 9 ? 50.0 : 1.0;
            for (int j = 0; j < box.Size; j++)
            {
                double low = double.IsFinite(box.Low[j]) && box.Low[j] > -1e6 ? box.Low[j] : -3.0;
                double high = double.IsFinite(box.High[j]) && box.High[j] < 1e6 ? box.High[j] : 3.0;
                double centre = 0.5 * (low + high), half = 0.5 * (high - low) * 1.2 * scale;
                result[i * box.Size + j] = (float)(centre + half * (2.0 * rng.NextDouble() - 1.0));
            }
        }

        return result;
    }

    /// <summary>The actor's output (logits or Gaussian mean) on the policy's own inference tape, normaliser applied.</summary>
    public static double[] ActorOutput(TrainedPolicy policy, double[] observations, int count)
    {
        var input = observations.ToArray();
        policy.Normalizer?.NormalizeWithoutUpdate(observations, input);
        var tape = new Tape(recording: false);
        var network = policy.Network;
        return network.ActorOutput(tape, tape.Constant(input, count, network.ObservationSize)).Data.ToArray();
    }

    /// <summary>The deterministic actions <see cref="TrainedPolicy.Act(ReadOnlySpan{double}, Span{double}, bool)"/> takes.</summary>
    public static double[] Actions(TrainedPolicy policy, double[] observations, int count)
    {
        var actions = new double[count * policy.ActionSpace.FlatSize];
        policy.Act(observations, actions, deterministic: true);
        return actions;
    }
}
