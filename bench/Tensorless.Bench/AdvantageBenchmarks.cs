using BenchmarkDotNet.Attributes;

using Tensorless.Rl.Advantages;

namespace Tensorless.Bench;

/// <summary>
/// Advantage estimators over a T x N rollout with about 2% terminations and 1% truncations. Target: GAE at
/// T = 2048, N = 64 above 500M elements/s. N = 61 runs the scalar tail beside the 4-wide SIMD body.
/// </summary>
[MemoryDiagnoser]
public class AdvantageBenchmarks
{
    private double[] _rewards = [], _values = [], _truncationValues = [], _lastValues = [], _advantages = [], _returns = [];
    private bool[] _terminated = [], _truncated = [];

    /// <summary>Rollout length.</summary>
    [Params(2048)]
    public int Steps { get; set; }

    /// <summary>Number of environments.</summary>
    [Params(61, 64)]
    public int NumEnvs { get; set; }

    /// <summary>Seeded rollout.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12345);
        int count = Steps * NumEnvs;
        _rewards = new double[count];
        _values = new double[count];
        _truncationValues = new double[count];
        _advantages = new double[count];
        _returns = new double[count];
        _terminated = new bool[count];
        _truncated = new bool[count];
        _lastValues = new double[NumEnvs];
        for (int i = 0; i < count; i++)
        {
            _rewards[i] = random.NextDouble();
            _values[i] = random.NextDouble() * 10;
            _terminated[i] = random.NextDouble() < 0.02;
            _truncated[i] = random.NextDouble() < 0.01;
            _truncationValues[i] = random.NextDouble() * 10;
        }

        for (int e = 0; e < NumEnvs; e++)
        {
            _lastValues[e] = random.NextDouble() * 10;
        }
    }

    /// <summary>GAE(0.99, 0.95).</summary>
    [Benchmark(Baseline = true)]
    public void Gae() => AdvantageEstimators.Gae(_rewards, _values, _terminated, _truncated, _truncationValues, _lastValues, 0.99, 0.95, _advantages, _returns);

    /// <summary>Monte Carlo returns.</summary>
    [Benchmark]
    public void MonteCarlo() => AdvantageEstimators.MonteCarlo(_rewards, _values, _terminated, _truncated, _truncationValues, _lastValues, 0.99, _advantages, _returns);

    /// <summary>TD(0).</summary>
    [Benchmark]
    public void TdZero() => AdvantageEstimators.TdZero(_rewards, _values, _terminated, _truncated, _truncationValues, _lastValues, 0.99, _advantages, _returns);

    /// <summary>5-step returns.</summary>
    [Benchmark]
    public void NStep5() => AdvantageEstimators.NStep(_rewards, _values, _terminated, _truncated, _truncationValues, _lastValues, 0.99, 5, _advantages, _returns);
}
