using BenchmarkDotNet.Attributes;
using Tensorless.Envs;
using Tensorless.Envs.Random;

namespace Tensorless.Bench;

/// <summary>
/// Env steps per second of the batched vector envs with random actions (pre-generated, so the benchmark
/// times the env, not the sampler). Every invocation performs <see cref="StepsPerInvoke"/> env steps in
/// total (N envs x 16384/N vector steps), auto-resets included; the reported time is per env step.
/// </summary>
[MemoryDiagnoser]
public class EnvStepBenchmarks
{
    private const int StepsPerInvoke = 16384;
    private const int ActionBatches = 64;

    private IVectorEnv env = null!;
    private double[][] actions = null!;
    private double[] observations = null!;
    private double[] rewards = null!;
    private bool[] terminated = null!;
    private bool[] truncated = null!;
    private int next;

    /// <summary>Env id.</summary>
    [Params("CartPole-v1", "CartPoleSwingUp-v0", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0")]
    public string Id { get; set; } = "CartPole-v1";

    /// <summary>Number of envs stepped together.</summary>
    [Params(1, 16, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        env = Gym.MakeVector(Id, N, seed: 0);
        observations = new double[N * env.ObservationSize];
        rewards = new double[N];
        terminated = new bool[N];
        truncated = new bool[N];
        var rng = new Pcg64(12345);
        actions = new double[ActionBatches][];
        for (int b = 0; b < ActionBatches; b++)
        {
            actions[b] = new double[N * env.ActionSize];
            for (int i = 0; i < N; i++)
            {
                env.SingleActionSpace.Sample(rng, actions[b].AsSpan(i * env.ActionSize, env.ActionSize));
            }
        }

        env.Reset(observations);
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public double Step()
    {
        int vectorSteps = StepsPerInvoke / N;
        for (int s = 0; s < vectorSteps; s++)
        {
            env.Step(actions[next], observations, rewards, terminated, truncated);
            next = (next + 1) & (ActionBatches - 1);
        }

        return rewards[0];
    }
}
