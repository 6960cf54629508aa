namespace Tensorless.Rl.Tests.Advantages;

/// <summary>A random time-major rollout with terminations and truncations, for property tests.</summary>
internal sealed class RolloutData
{
    public RolloutData(int seed, int? steps = null, int? numEnvs = null, double boundaryRate = 0.15)
    {
        var random = new Random(seed);
        Steps = steps ?? random.Next(1, 40);
        NumEnvs = numEnvs ?? random.Next(1, 14);
        int count = Steps * NumEnvs;
        Rewards = new double[count];
        Values = new double[count];
        Terminated = new bool[count];
        Truncated = new bool[count];
        TruncationValues = new double[count];
        LastValues = new double[NumEnvs];
        for (int i = 0; i < count; i++)
        {
            Rewards[i] = (random.NextDouble() * 4.0) - 1.0;
            Values[i] = (random.NextDouble() * 10.0) - 2.0;
            Terminated[i] = random.NextDouble() < boundaryRate;
            Truncated[i] = random.NextDouble() < boundaryRate;
            // Entries the estimators must not read hold NaN, so reading one shows up in the output.
            TruncationValues[i] = Truncated[i] && !Terminated[i] ? (random.NextDouble() * 10.0) - 2.0 : double.NaN;
        }

        for (int e = 0; e < NumEnvs; e++)
        {
            int last = ((Steps - 1) * NumEnvs) + e;
            LastValues[e] = Terminated[last] || Truncated[last] ? double.NaN : (random.NextDouble() * 10.0) - 2.0;
        }
    }

    public int Steps { get; }

    public int NumEnvs { get; }

    public int Count => Steps * NumEnvs;

    public double[] Rewards { get; }

    public double[] Values { get; }

    public bool[] Terminated { get; }

    public bool[] Truncated { get; }

    public double[] TruncationValues { get; }

    public double[] LastValues { get; }
}
