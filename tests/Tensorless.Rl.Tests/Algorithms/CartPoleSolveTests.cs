using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// End-to-end: each learner must solve CartPole-v1 (the last 100 training episodes average 475) within a stated step
/// budget for three fixed seeds, and the trained policy must then average at least 475 over 100 deterministic
/// evaluation episodes on a separate env. Measured on the development machine: PPO (ppo-cartpole) solves seeds 1-5 in
/// 61k-76k steps, A2C (a2c-cartpole: SB3 defaults, 8 envs) in 107k-135k steps; the budgets leave about 2x headroom.
/// </summary>
public class CartPoleSolveTests
{
    private const long PpoBudget = 150_000;
    private const long A2cBudget = 270_000;

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void PpoCartPolePreset_ThreeSeeds_SolvesAndEvaluatesAtLeast475(ulong seed)
    {
        var preset = Presets.Get("ppo-cartpole");
        var env = Gym.MakeVector(preset.EnvId, preset.NumEnvs, seed);
        var agent = new Ppo(env, ((PpoOptions)preset.Options).With(o => o with { Seed = seed }));
        AssertSolves(agent, PpoBudget, seed);
    }

    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void A2cCartPolePreset_ThreeSeeds_SolvesAndEvaluatesAtLeast475(ulong seed)
    {
        var preset = Presets.Get("a2c-cartpole");
        var env = Gym.MakeVector(preset.EnvId, preset.NumEnvs, seed);
        AssertSolves(new A2c(env, ((A2cOptions)preset.Options).With(o => o with { Seed = seed })), A2cBudget, seed);
    }

    private static void AssertSolves(IOnPolicyAlgorithm agent, long budget, ulong seed)
    {
        var progress = agent.Learn(budget, new StopOnReward(475));
        Assert.True(progress.SolvedAtEnvSteps is not null,
            $"seed {seed}: not solved within {budget} steps; mean of the last 100 episodes {progress.MeanReturn:F1}");
        var eval = Evaluator.Evaluate(agent, new EvaluationOptions { Episodes = 100, Deterministic = true, Seed = 10_000 + seed });
        Assert.True(eval.MeanReturn >= 475, $"seed {seed}: deterministic evaluation mean {eval.MeanReturn:F1} over 100 episodes");
    }
}
