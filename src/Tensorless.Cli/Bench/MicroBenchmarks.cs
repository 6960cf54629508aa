using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;


namespace Tensorless.Cli.Bench;

/// <summary>
/// <c>tensorless bench micro</c>: the throughput figures of issue 5 in well under a minute, without BenchmarkDotNet, for
/// regression checks. Each figure is the median of 5 timed windows of about 0.1 s after a 0.3 s warm-up; the
/// BenchmarkDotNet suites in bench/ remain the reference measurements.
/// </summary>
internal static class MicroBenchmarks
{
    /// <summary>One measured figure with the reference (PyTorch, 1 thread) and target.</summary>
    internal sealed record Figure(string Name, double Value, string Unit, string Reference, string Target);

    public static int Execute(string? jsonPath, TextWriter stdout)
    {
        var figures = new List<Figure>();
        void Add(Figure f)
        {
            figures.Add(f);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{f.Name,-34} {Format(f.Value),12} {f.Unit,-16} reference {f.Reference,-10} target {f.Target}"));
        }

        foreach (int batch in new[] { 512, 2048 })
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Add(new Figure($"ppo_update_{batch}_threads{threads}", PpoUpdate(batch, threads), "samples/s",
                    batch == 512 ? "102k" : "143k", batch == 2048 && threads == 1 ? ">= 440k" : "-"));
            }
        }

        Add(new Figure("policy_forward_16", PolicyForward(16), "samples/s", "199k", ">= 2M"));
        Add(new Figure("rollout_16_envs", Rollout(16), "env steps/s", "-", ">= 1M"));
        Add(new Figure("rollout_256_envs", Rollout(256), "env steps/s", "-", "-"));
        Add(new Figure("gae_2048x64", Gae(2048, 64), "elements/s", "5.5M", ">= 500M"));
        Add(new Figure("cartpole_1024_envs", CartPole(1024), "env steps/s", "4.5M", ">= 30M"));
        Add(new Figure("gemm_forward_2048x64x64", GemmForward(2048, 64, 64), "GFLOP/s", "-", "-"));
        if (jsonPath is not null)
        {
            using var stream = File.Create(jsonPath);
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("machine", $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, GEMM {Gemm.InstructionSet}");
            foreach (var f in figures)
            {
                json.WriteNumber(f.Name, f.Value);
            }

            json.WriteEndObject();
        }

        return 0;
    }

    /// <summary>Work items per second: the median of 5 windows, each running <paramref name="step"/> for at least 0.1 s.</summary>
    private static double Rate(Action step, double workPerStep)
    {
        Window(step, 0.3);
        var rates = new double[5];
        for (int w = 0; w < rates.Length; w++)
        {
            var (calls, seconds) = Window(step, 0.1);
            rates[w] = calls * workPerStep / seconds;
        }

        Array.Sort(rates);
        return rates[rates.Length / 2];
    }

    private static (long Calls, double Seconds) Window(Action step, double seconds)
    {
        long calls = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            step();
            calls++;
        }

        return (calls, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// One PPO minibatch step of SB3's 64x64 tanh actor-critic on CartPole, exactly as the learner runs it: <see cref="Ppo.Update"/>
    /// with one epoch over one minibatch holding a collected rollout (gather, forward, loss, backward, clip, Adam).
    /// </summary>
    private static double PpoUpdate(int batch, int threads)
    {
        const int envs = 8;
        var env = Gym.MakeVector("CartPole-v1", envs, seed: 1);
        using var ppo = new Ppo(env, new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = envs, NumSteps = batch / envs, EntCoef = 0.01, Threads = threads },
            MinibatchSize = batch,
            NumEpochs = 1,
        });
        ppo.Learner.CollectRollout();
        var metrics = MetricsRecord.CreateStandard();
        return Rate(() => ppo.Update(1.0, metrics), batch);
    }

    /// <summary>The 4-64-64-2 tanh actor's forward pass on an inference tape.</summary>
    private static double PolicyForward(int batch)
    {
        var rng = new Xoshiro256(2);
        var actor = new Mlp("actor", [4, 64, 64, 2], Autodiff.Nn.Activation.Tanh, rng);
        var tape = new Tape(recording: false);
        var x = new Autodiff.Tensor(batch, 4);
        rng.FillUniform(x.Data, -1, 1);
        return Rate(() =>
        {
            tape.Reset();
            actor.Forward(tape, x);
        }, batch);
    }

    /// <summary>Rollout collection on CartPole: actor and critic forward, sampling, env step, buffer write, GAE.</summary>
    private static double Rollout(int envs)
    {
        const int steps = 64;
        var env = Gym.MakeVector("CartPole-v1", envs, seed: 3);
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        var buffer = new RolloutBuffer(steps, envs, 4, 1);
        var collector = new RolloutCollector(env, steps, null, null);
        collector.Start(3);
        var rng = new Xoshiro256(4);
        return Rate(() => collector.Collect(policy, buffer, rng, AdvantageEstimator.Gae, 0.99, 0.95, 1), steps * envs);
    }

    private static double Gae(int steps, int envs)
    {
        int n = steps * envs;
        var rng = new Xoshiro256(5);
        double[] rewards = new double[n], values = new double[n], truncationValues = new double[n], advantages = new double[n], returns = new double[n];
        double[] lastValues = new double[envs];
        bool[] terminated = new bool[n], truncated = new bool[n];
        rng.FillUniform(rewards, 0, 1);
        rng.FillUniform(values, 0, 10);
        rng.FillUniform(lastValues, 0, 10);
        for (int i = 0; i < n; i++)
        {
            terminated[i] = rng.NextDouble() < 0.01;
            truncated[i] = !terminated[i] && rng.NextDouble() < 0.005;
            truncationValues[i] = truncated[i] ? values[i] : double.NaN;
        }

        return Rate(() => AdvantageEstimators.Gae(rewards, values, terminated, truncated, truncationValues, lastValues, 0.99, 0.95, advantages, returns), n);
    }

    private static double CartPole(int envs)
    {
        const int steps = 16;
        var env = Gym.MakeVector("CartPole-v1", envs, seed: 6);
        var rng = new Xoshiro256(6);
        var actions = new double[steps * envs];
        for (int i = 0; i < actions.Length; i++)
        {
            actions[i] = rng.NextInt(2);
        }

        var obs = new double[envs * 4];
        var rewards = new double[envs];
        var terminated = new bool[envs];
        var truncated = new bool[envs];
        env.Reset(obs, 6);
        return Rate(() =>
        {
            for (int t = 0; t < steps; t++)
            {
                env.Step(actions.AsSpan(t * envs, envs), obs, rewards, terminated, truncated);
            }
        }, steps * envs);
    }

    private static double GemmForward(int m, int k, int n)
    {
        var rng = new Xoshiro256(7);
        var a = new double[m * k];
        var b = new double[n * k];
        var c = new double[m * n];
        rng.FillUniform(a, -1, 1);
        rng.FillUniform(b, -1, 1);
        return Rate(() => Gemm.MatMulTransposeB(a, b, c, m, k, n), 2.0 * m * n * k) / 1e9;
    }

    private static string Format(double v) => v >= 1e6
        ? (v / 1e6).ToString("F2", CultureInfo.InvariantCulture) + "M"
        : v >= 1e4 ? (v / 1e3).ToString("F0", CultureInfo.InvariantCulture) + "k"
        : v.ToString("F1", CultureInfo.InvariantCulture);
}
