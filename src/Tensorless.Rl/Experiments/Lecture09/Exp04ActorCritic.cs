using System.Text.Json.Nodes;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using static Tensorless.Rl.Experiments.Lecture09.LectureExperiments;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>
/// exp04_actor_critic_architecture.py: the shared-trunk actor-critic (Linear-ReLU-Linear-ReLU of 128, a 2-logit
/// actor head and a 1-value critic head), built from the <c>lecture-a2c-cartpole</c> preset's policy options.
/// </summary>
internal static class Exp04ActorCritic
{
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        var options = Presets.Get(A2cExperiments.LecturePreset).Options.OnPolicy.Policy;
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, options, new Xoshiro256(settings.Seed));
        int Count(string prefix) => policy.Parameters.Where(p => p.Name.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Length);
        int total = policy.Parameters.Sum(p => p.Length), trunk = Count("trunk."), actor = Count("actor."), critic = Count("critic.");

        // model(torch.randn(5, 4)): logits [5 x 2] and values [5].
        var rng = new Xoshiro256(settings.Seed);
        var observations = new double[5 * 4];
        for (int i = 0; i < observations.Length; i++)
        {
            observations[i] = rng.NextGaussian();
        }

        var values = new double[5];
        var tape = new Tape(recording: false);
        policy.PredictValues(tape, observations, 5, values);
        var json = new JsonObject
        {
            ["total_parameters"] = total,
            ["trunk_parameters"] = trunk,
            ["actor_head_parameters"] = actor,
            ["critic_head_parameters"] = critic,
            ["hidden_sizes"] = new JsonArray([.. options.HiddenSizes.Select(h => (JsonNode?)h)]),
            ["parameters"] = new JsonObject([.. policy.Parameters.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)new JsonArray(p.Rows, p.Cols)))]),
            ["sample_values"] = Array(values),
        };
        return new ExperimentReport("exp04", "Actor-critic architecture",
        [
            F($"Shared trunk: Linear(4, {options.HiddenSizes[0]})-ReLU-Linear({options.HiddenSizes[0]}, {options.HiddenSizes[1]})-ReLU, {trunk:N0} parameters"),
            F($"Total parameters: {total:N0}   (lecture: 17,539)"),
            F($"Actor head: {actor}   (lecture: 258); critic head: {critic}   (lecture: 129)"),
            F($"Value predictions for 5 Gaussian observations: [{string.Join(", ", values.Select(v => F($"{v:F4}")))}], shape [5]   (lecture: torch.Size([5]); its numbers depend on PyTorch's init stream)"),
        ], json, null);
    }
}
