using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Docs;

/// <summary>The library tour in README.md, kept compiling and working (with a small budget so it runs in CI).</summary>
public sealed class ReadmeTourTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-readme-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void ReadmeTour_TrainSaveLoadAct_Runs()
    {
        // --- as in README.md ---
        var env = Gym.MakeVector("CartPole-v1", numEnvs: 8, seed: 1);
        var agent = new Ppo(env, PpoOptions.Preset("ppo-cartpole").With(o => o with { Seed = 1 }));
        agent.Learn(totalSteps: 4_096, new StopOnReward(475));
        agent.Save(_dir);

        var policy = TrainedPolicy.Load(_dir);
        var single = Gym.Make("CartPole-v1");
        var obs = single.Reset(seed: 7);
        int steps = 0;
        while (true)
        {
            var step = single.Step(policy.Act(obs, deterministic: true));
            steps++;
            if (step.Terminated || step.Truncated)
            {
                break;
            }

            obs = step.Observation;
        }
        // --- end ---

        // the tour's hand-written loop is the evaluator's episode 0 with seed 7 (CartPole-v1 caps at 500, so a range
        // check could not fail): the same length, step for step
        Assert.Equal(Tensorless.Rl.Evaluation.Evaluator.Evaluate(policy, new Tensorless.Rl.Evaluation.EvaluationOptions { Episodes = 1, Seed = 7 }).Lengths[0], steps);
        Assert.Equal(4_096, agent.Learner.Progress.EnvSteps);
    }

    [Fact]
    public void ReadmeTrainingRun_RunThenResume_Runs()
    {
        // --- as in README.md (with a small budget and a temporary directory) ---
        RunResult result = TrainingRun.Run(new RunRequest
        {
            Preset = "ppo-cartpole", Seed = 3, Overrides = ["learning_rate=3e-4", "policy.hidden_sizes=[128,128]"],
            OutputDirectory = _dir, TotalSteps = 512, EvalEpisodes = 2,
        });
        var resumed = TrainingRun.Run(new RunRequest { ResumeDirectory = _dir, TotalSteps = 1_024, Extend = true, EvalEpisodes = 2 });
        // --- end ---

        Assert.Equal(RunStatus.BudgetExhausted, result.Status);
        Assert.Equal(1_024, resumed.Progress.EnvSteps);
    }
}
