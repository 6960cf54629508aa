namespace Tensorless.Envs.Tests;

/// <summary>How closely an env must follow its fixture (see the fixture README, "How to judge a port").</summary>
internal sealed record Tolerance(double State, double Obs, double Reward, int ResetTrigComponents, int ResetTrigOffset, bool SeedMatches)
{
    public static Tolerance For(string id, bool teacherForced) => id switch
    {
        // NumPy float32 sin/cos in the reference: reward 1 float32 ulp, first step after reset ~1e-8.
        "CartPoleSwingUp-v0" => teacherForced ? new(5e-8, 1e-7, 1e-7, 2, 2, false) : new(1e-4, 1e-4, 1e-4, 2, 2, false),
        // Reset obs cos/sin come from NumPy float32 trig: 1 float32 ulp allowed on those components.
        "Acrobot-v1" => new(0, 0, 0, 4, 0, true),
        _ => new(0, 0, 0, 0, 0, true),
    };
}

/// <summary>Assertions that report the first differing component with both values in round-trip form.</summary>
internal static class Check
{
    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tol, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int k = 0; k < expected.Length; k++)
        {
            double e = expected[k], a = actual[k];
            bool ok = tol == 0 ? e.Equals(a) : Math.Abs(e - a) <= tol + (1.2e-7 * Math.Abs(e) * (tol > 0 ? 1 : 0));
            Assert.True(ok, $"{what}[{k}]: got {a:R}, expected {e:R} (diff {a - e:R}, tolerance {tol})");
        }
    }

    public static void ResetObservation(double[] expected, double[] actual, Tolerance tol, string where)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            bool trig = k >= tol.ResetTrigOffset && k < tol.ResetTrigOffset + tol.ResetTrigComponents;
            double ulp = MathF.BitIncrement(MathF.Abs((float)expected[k])) - MathF.Abs((float)expected[k]);
            double allowed = trig ? ulp : tol.Obs;
            bool ok = allowed == 0 ? expected[k].Equals(actual[k]) : Math.Abs(expected[k] - actual[k]) <= allowed + (tol.Obs > 0 ? 2 * ulp : 0);
            Assert.True(ok, $"{where} obs[{k}]: got {actual[k]:R}, expected {expected[k]:R}");
        }
    }

    public static void Step(FixtureRecord rec, double[] obs, double reward, bool terminated, bool truncated, double[]? state, Tolerance tol, string where)
    {
        Assert.True(rec.Terminated == terminated, $"{where}: terminated {terminated}, expected {rec.Terminated}");
        Assert.True(rec.Truncated == truncated, $"{where}: truncated {truncated}, expected {rec.Truncated} (t = {rec.T})");
        bool rewardOk = tol.Reward == 0 ? rec.Reward.Equals(reward) : Math.Abs(rec.Reward - reward) <= tol.Reward;
        Assert.True(rewardOk, $"{where}: reward {reward:R}, expected {rec.Reward:R}");
        if (state is not null)
        {
            Equal(rec.State, state, tol.State, where + " state");
        }

        Equal(rec.Obs, obs, tol.Obs, where + " obs");
    }
}
