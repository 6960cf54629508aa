using Tensorless.Rl.Algorithms;

namespace Tensorless.Rl.Checkpoints;

/// <summary>The API DESIGN.md sketches: <c>agent.Save(dir)</c> on any on-policy learner.</summary>
public static class CheckpointExtensions
{
    /// <summary>Writes <c>model.safetensors</c> and <c>config.json</c> for <paramref name="agent"/> (see <see cref="Checkpoint.Save"/>).</summary>
    public static void Save(this IOnPolicyAlgorithm agent, string directory) => Checkpoint.Save(agent, directory);
}
