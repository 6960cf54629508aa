namespace Tensorless.Rl.Tests.Advantages;

/// <summary>
/// Independent, literal oracles: per environment, forward sums written from the definitions (no backward recursion,
/// no SIMD), so they share no code path with <see cref="AdvantageEstimators"/>.
/// </summary>
internal static class NaiveEstimators
{
    /// <summary>Value after step t: 0 if terminated, V(final obs) if truncated, lastValues at the rollout end, else V(s_{t+1}).</summary>
    public static double NextValue(RolloutData d, int t, int e)
    {
        int i = (t * d.NumEnvs) + e;
        if (d.Terminated[i])
        {
            return 0.0;
        }

        if (d.Truncated[i])
        {
            return d.TruncationValues[i];
        }

        return t == d.Steps - 1 ? d.LastValues[e] : d.Values[i + d.NumEnvs];
    }

    public static bool EndsSegment(RolloutData d, int t, int e)
    {
        int i = (t * d.NumEnvs) + e;
        return d.Terminated[i] || d.Truncated[i] || t == d.Steps - 1;
    }

    public static double TdError(RolloutData d, double gamma, int t, int e)
    {
        int i = (t * d.NumEnvs) + e;
        return d.Rewards[i] + (gamma * NextValue(d, t, e)) - d.Values[i];
    }

    /// <summary>GAE from its definition: sum over l of (gamma lambda)^l delta_{t+l}, up to the end of t's segment.</summary>
    public static double[] Gae(RolloutData d, double gamma, double lambda)
    {
        var advantages = new double[d.Count];
        for (int e = 0; e < d.NumEnvs; e++)
        {
            for (int t = 0; t < d.Steps; t++)
            {
                double sum = 0.0;
                double weight = 1.0;
                for (int j = t; j < d.Steps; j++)
                {
                    sum += weight * TdError(d, gamma, j, e);
                    if (EndsSegment(d, j, e))
                    {
                        break;
                    }

                    weight *= gamma * lambda;
                }

                advantages[(t * d.NumEnvs) + e] = sum;
            }
        }

        return advantages;
    }

    /// <summary>Discounted rewards to the end of t's segment plus the discounted bootstrap there, minus V(s_t).</summary>
    public static double[] MonteCarlo(RolloutData d, double gamma)
    {
        var advantages = new double[d.Count];
        for (int e = 0; e < d.NumEnvs; e++)
        {
            for (int t = 0; t < d.Steps; t++)
            {
                double sum = 0.0;
                double discount = 1.0;
                for (int j = t; j < d.Steps; j++)
                {
                    sum += discount * d.Rewards[(j * d.NumEnvs) + e];
                    discount *= gamma;
                    if (EndsSegment(d, j, e))
                    {
                        sum += discount * NextValue(d, j, e);
                        break;
                    }
                }

                advantages[(t * d.NumEnvs) + e] = sum - d.Values[(t * d.NumEnvs) + e];
            }
        }

        return advantages;
    }
}
