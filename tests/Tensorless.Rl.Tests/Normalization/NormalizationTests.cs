using Tensorless.Rl.Metrics;
using Tensorless.Rl.Normalization;
using Tensorless.Tests;
namespace Tensorless.Rl.Tests.Normalization;

public sealed class NormalizationTests
{
    [Fact]
    public void RunningMeanStd_BatchesOfRandomSizes_MatchesTwoPassMeanAndVariance()
    {
        SeededProperty.Check(seed =>
        {
            var random = new Random(seed);
            int d = random.Next(1, 6);
            var rms = new RunningMeanStd(d);
            var all = new List<double[]>();
            int batches = random.Next(1, 8);
            for (int b = 0; b < batches; b++)
            {
                int rows = random.Next(0, 20);
                var batch = new double[rows * d];
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = (random.NextDouble() * 100) - 30;
                }

                for (int r = 0; r < rows; r++)
                {
                    all.Add(batch.AsSpan(r * d, d).ToArray());
                }

                rms.Update(batch);
            }

            // SB3 starts from mean 0, var 1, count eps = 1e-4: the pseudo-sample weighs 1e-4 against the data.
            const double eps = 1e-4;
            int n = all.Count;
            Assert.Equal(eps + n, rms.Count, 1e-9);
            for (int j = 0; j < d; j++)
            {
                double sum = all.Sum(row => row[j]);
                double mean = sum / (n + eps);
                double m2 = all.Sum(row => (row[j] - mean) * (row[j] - mean)) + (eps * (1.0 + (mean * mean)));
                double variance = m2 / (n + eps);
                Assert.True(Math.Abs(mean - rms.Mean[j]) <= 1e-9 * (1 + Math.Abs(mean)), $"mean[{j}] {mean} vs {rms.Mean[j]}");
                Assert.True(Math.Abs(variance - rms.Variance[j]) <= 1e-9 * (1 + variance), $"var[{j}] {variance} vs {rms.Variance[j]}");
            }
        });
    }

    [Fact]
    public void RunningMeanStd_WrongBatchLength_ThrowsNamingBatch()
    {
        var e = Assert.Throws<ArgumentException>(() => new RunningMeanStd(3).Update(new double[4]));
        Assert.Equal("batch", e.ParamName);
    }

    [Fact]
    public void ObservationNormalizer_Training_UpdatesThenNormalizesAndClips()
    {
        var normalizer = new ObservationNormalizer(1, clip: 1.5);
        double[] batch = [0, 2, 4, 1000];
        double[] output = new double[4];
        normalizer.Normalize(batch, output);
        double mean = normalizer.Statistics.Mean[0], std = Math.Sqrt(normalizer.Statistics.Variance[0] + 1e-8);
        Assert.Equal((0 - mean) / std, output[0], 1e-12);
        Assert.Equal(1.5, output[3]); // clipped
        Assert.InRange(mean, 251.4, 251.6);
    }

    [Fact]
    public void ObservationNormalizer_NotTraining_LeavesStatisticsAlone()
    {
        var normalizer = new ObservationNormalizer(2) { Training = false };
        double[] batch = [5, 6, 7, 8];
        normalizer.Normalize(batch, batch);
        Assert.Equal(1e-4, normalizer.Statistics.Count);
        Assert.Equal([5 / Math.Sqrt(1 + 1e-8), 6 / Math.Sqrt(1 + 1e-8), 7 / Math.Sqrt(1 + 1e-8), 8 / Math.Sqrt(1 + 1e-8)], batch);
    }

    [Fact]
    public void ObservationNormalizer_StateRoundTrip_RestoresSameNormalization()
    {
        var source = new ObservationNormalizer(3);
        source.Normalize([1, 2, 3, 4, 5, 6, -1, 0, 9], new double[9]);
        var state = source.State;
        Assert.Equal(["obs_rms.count", "obs_rms.mean", "obs_rms.var"], state.Keys.Order(StringComparer.Ordinal));
        var target = new ObservationNormalizer(3) { Training = false };
        target.LoadState(state);
        double[] a = new double[3], b = new double[3];
        source.NormalizeWithoutUpdate([0.5, 0.25, 2], a);
        target.NormalizeWithoutUpdate([0.5, 0.25, 2], b);
        Assert.Equal(a, b);
        Assert.Equal(source.Statistics.Count, target.Statistics.Count);
    }

    [Fact]
    public void LoadState_WrongShapeOrMissingOrInvalid_ThrowsNamingTheEntry()
    {
        var normalizer = new ObservationNormalizer(3);
        var good = normalizer.State;
        var shape = new Dictionary<string, double[]>(good) { ["obs_rms.mean"] = new double[2] };
        Assert.Contains("obs_rms.mean", Assert.Throws<ArgumentException>(() => normalizer.LoadState(shape)).Message);
        var missing = new Dictionary<string, double[]>(good);
        missing.Remove("obs_rms.var");
        Assert.Contains("obs_rms.var", Assert.Throws<ArgumentException>(() => normalizer.LoadState(missing)).Message);
        var negative = new Dictionary<string, double[]>(good) { ["obs_rms.var"] = [1, -1, 1] };
        Assert.Contains("non-negative", Assert.Throws<ArgumentException>(() => normalizer.LoadState(negative)).Message);
    }

    [Fact]
    public void State_IsACopy_LaterUpdatesDoNotChangeIt()
    {
        var rms = new RunningMeanStd(1);
        var state = rms.State;
        rms.Update([5.0]);
        Assert.Equal(0.0, state["rms.mean"][0]);
    }

    [Fact]
    public void RewardScaler_DiscountedReturnVariance_ScalesAndResetsAtEpisodeEnd()
    {
        // Two envs, gamma = 0.5. Step 1: rewards (1, 3) -> running returns (1, 3); env 1 ends.
        // Step 2: rewards (2, 2) -> returns (0.5 * 1 + 2, 0 + 2) = (2.5, 2).
        var scaler = new RewardScaler(2, gamma: 0.5);
        double[] scaled = new double[2];
        scaler.Scale([1, 3], [false, false], [false, true], scaled);
        Assert.Equal([1.0, 0.0], scaler.RunningReturns.ToArray());
        var check = new RunningMeanStd(1);
        check.Update([1, 3]);
        Assert.Equal(1 / Math.Sqrt(check.Variance[0] + 1e-8), scaled[0], 1e-12);
        Assert.Equal(3 / Math.Sqrt(check.Variance[0] + 1e-8), scaled[1], 1e-12);

        scaler.Scale([2, 2], [false, false], [false, false], scaled);
        check.Update([2.5, 2]);
        Assert.Equal([2.5, 2.0], scaler.RunningReturns.ToArray());
        Assert.Equal(2 / Math.Sqrt(check.Variance[0] + 1e-8), scaled[0], 1e-12);
        Assert.Equal(check.Variance[0], scaler.Statistics.Variance[0], 1e-15);
    }

    [Fact]
    public void RewardScaler_HugeReward_IsClipped()
    {
        var scaler = new RewardScaler(1, gamma: 0.99, clip: 10);
        double[] scaled = new double[1];
        scaler.Training = false; // variance stays 1
        scaler.Scale([1e6], [false], [false], scaled);
        Assert.Equal(10.0, scaled[0]);
    }

    [Fact]
    public void RewardScaler_StateRoundTrip_UsesRetRmsNames()
    {
        var scaler = new RewardScaler(2, 0.9);
        scaler.Scale([1, 2], [false, false], [false, false], new double[2]);
        var other = new RewardScaler(2, 0.9);
        other.LoadState(scaler.State);
        Assert.Equal(scaler.Statistics.Variance[0], other.Statistics.Variance[0]);
        Assert.Contains("ret_rms.var", scaler.State.Keys);
    }

    [Fact]
    public void ExplainedVariance_PerfectAndMeanAndConstantTarget_MatchSb3Definition()
    {
        double[] y = [1, 2, 3, 4];
        Assert.Equal(1.0, ExplainedVariance.Compute(y, y));
        Assert.Equal(0.0, ExplainedVariance.Compute([2.5, 2.5, 2.5, 2.5], y), 1e-12);
        Assert.True(double.IsNaN(ExplainedVariance.Compute([1, 2], [3, 3])));
        // Residual y - yhat = (1, -1, 1, -1): Var = 1; Var[y] = 1.25 -> 1 - 1 / 1.25 = 0.2.
        Assert.Equal(0.2, ExplainedVariance.Compute([0, 3, 2, 5], y), 1e-12);
    }
}
