using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Evaluation;

/// <summary>
/// Runs a policy for N whole episodes on its own single env (never the training envs, whose episodes and generators it
/// would disturb) and summarises the returns, as SB3's <c>evaluate_policy</c>. Episode i is reset with seed
/// <c>Seed + i</c>, so results are reproducible; stochastic actions come from a generator seeded with <c>Seed</c>.
/// </summary>
public static class Evaluator
{
    /// <summary>
    /// Evaluates a live agent (during or after training) on a fresh <c>Gym.Make(agent.EnvId)</c> with the training envs'
    /// time limit (<see cref="IVectorEnv.MaxEpisodeSteps"/>, an override included). Its observation normaliser is used
    /// read-only: its statistics, and the agent's generator, are left as they were.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static EvaluationResult Evaluate(IOnPolicyAlgorithm agent, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        using var snapshot = agent.Policy.SnapshotWeights(); // the weights stay fixed while evaluating
        options ??= new EvaluationOptions();
        options.Validate();
        var env = Gym.Make(agent.EnvId, agent.Learner.Env.MaxEpisodeSteps);
        return Evaluate(new PolicyActor(agent.Policy, agent.Learner.ObservationNormalizer), env, options);
    }

    /// <summary>
    /// Evaluates a policy loaded from a checkpoint on a fresh <c>Gym.Make(policy.EnvId)</c> with the time limit it was
    /// trained under (<see cref="TrainedPolicy.MaxEpisodeSteps"/>; the registry's for checkpoints that predate it).
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid, or the env id is not registered.</exception>
    public static EvaluationResult Evaluate(TrainedPolicy policy, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var snapshot = policy.Network.SnapshotWeights(); // the weights stay fixed while evaluating
        options ??= new EvaluationOptions();
        options.Validate();
        return Evaluate(policy, Gym.Make(policy.EnvId, policy.MaxEpisodeSteps), options);
    }

    /// <summary>Evaluates any policy on a fresh single env made from <paramref name="envId"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid, or the env id is not registered.</exception>
    public static EvaluationResult Evaluate(IActingPolicy policy, string envId, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        options.Validate();
        return Evaluate(policy, Gym.Make(envId), options);
    }

    /// <summary>
    /// Evaluates any policy on <paramref name="env"/>, which it resets for every episode. The env must end episodes by
    /// itself (a time limit) unless <see cref="EvaluationOptions.MaxEpisodeSteps"/> caps them.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid, the spaces differ, or no limit would end an endless episode.</exception>
    public static EvaluationResult Evaluate(IActingPolicy policy, IEnv env, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(env);
        options ??= new EvaluationOptions();
        options.Validate();
        if (!env.ObservationSpace.Equals(policy.ObservationSpace) || !env.ActionSpace.Equals(policy.ActionSpace))
        {
            throw new ArgumentException(
                $"The policy acts in {policy.ObservationSpace} -> {policy.ActionSpace}, the env {env.Id} in {env.ObservationSpace} -> {env.ActionSpace}.", nameof(env));
        }

        if (env.MaxEpisodeSteps is null && options.MaxEpisodeSteps is null)
        {
            throw new ArgumentException($"{env.Id} has no time limit; set EvaluationOptions.MaxEpisodeSteps so every episode ends.", nameof(options));
        }

        var rng = options.Deterministic ? null : new Xoshiro256(options.Seed);
        var observation = new double[env.ObservationSpace.FlatSize];
        var action = new double[env.ActionSpace.FlatSize];
        var returns = new double[options.Episodes];
        var lengths = new int[options.Episodes];
        int cap = options.MaxEpisodeSteps ?? int.MaxValue;
        for (int episode = 0; episode < options.Episodes; episode++)
        {
            env.Reset(observation, unchecked(options.Seed + (ulong)episode));
            double total = 0;
            int length = 0;
            bool done = false;
            while (!done && length < cap)
            {
                policy.Act(observation, action, options.Deterministic, rng);
                var step = env.Step(action, observation);
                total += step.Reward;
                length++;
                done = step.Terminated || step.Truncated;
            }

            returns[episode] = total;
            lengths[episode] = length;
        }

        return new EvaluationResult(returns, lengths, options.SuccessThreshold);
    }
}
