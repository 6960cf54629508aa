using Tensorless.Rl.Checkpoints;

namespace Tensorless.Onnx.Tests;

/// <summary>Exports a policy, runs it in OnnxRuntime and holds every output to the policy's own computation.</summary>
internal static class Agreement
{
    /// <summary>
    /// Difference allowed per unit of magnitude: float32 rounding of weights and arithmetic, or float64 summation order.
    /// An output of magnitude m may differ by tolerance * max(1, m): absolute up to 1, relative beyond, since a float32
    /// output near 300 cannot be closer than its own spacing (3e-5).
    /// </summary>
    public static double Tolerance(OnnxPrecision precision) => precision == OnnxPrecision.Float32 ? 1e-5 : 1e-12;

    /// <summary>Checks the exported graph against <paramref name="policy"/> on <paramref name="count"/> observations.</summary>
    /// <returns>The largest absolute difference, and the largest difference divided by max(1, |expected|).</returns>
    public static (double Absolute, double Scaled) Check(TrainedPolicy policy, OnnxExportOptions options, int count, ulong seed)
    {
        byte[] model = OnnxExporter.Export(policy, options);
        var network = policy.Network;
        double[] observations = PolicyFixtures.Observations(policy.ObservationSpace, count, seed);
        var outputs = OnnxRunner.Run(model, observations, count, network.ObservationSize, options.Precision);
        double tolerance = Tolerance(options.Precision);
        double[] head = PolicyFixtures.ActorOutput(policy, observations, count);
        double[] actions = PolicyFixtures.Actions(policy, observations, count);
        string where = $"{policy.EnvId}, {options.Precision}, opset {options.Opset}, normalised {policy.Normalizer is not null}, shared {!network.HasSeparateNetworks}";
        double worst, scaled;
        if (network.IsDiscrete)
        {
            Assert.Equal([OnnxNames.Action, OnnxNames.Logits], outputs.Keys.Order(StringComparer.Ordinal));
            (worst, scaled) = Differences(head, outputs[OnnxNames.Logits]);
            Assert.True(scaled <= tolerance, $"{where}: logits differ by {worst:E3} (scaled {scaled:E3}) > {tolerance:E0}");
            int k = network.HeadSize;
            for (int i = 0; i < count; i++)
            {
                // A float32 graph may break a tie the reference sees within its rounding differently; none occur in practice,
                // and a float64 graph must agree on every row.
                if (options.Precision == OnnxPrecision.Float32 && TopTwoGap(head.AsSpan(i * k, k)) <= 2 * tolerance)
                {
                    continue;
                }

                Assert.True(actions[i] == outputs[OnnxNames.Action][i], $"{where}: row {i} action {outputs[OnnxNames.Action][i]}, policy {actions[i]}");
            }
        }
        else
        {
            Assert.Equal([OnnxNames.Action, OnnxNames.LogStd, OnnxNames.Mean], outputs.Keys.Order(StringComparer.Ordinal));
            (worst, scaled) = Differences(head, outputs[OnnxNames.Mean]);
            Assert.True(scaled <= tolerance, $"{where}: mean differs by {worst:E3} (scaled {scaled:E3}) > {tolerance:E0}");
            var (action, actionScaled) = Differences(actions, outputs[OnnxNames.Action]);
            Assert.True(actionScaled <= tolerance, $"{where}: action differs by {action:E3} > {tolerance:E0}");
            var (logStd, logStdScaled) = Differences(network.LogStd!.Data.ToArray(), outputs[OnnxNames.LogStd]);
            Assert.True(logStdScaled <= tolerance, $"{where}: log_std differs by {logStd:E3} > {tolerance:E0}");
            worst = Math.Max(worst, Math.Max(action, logStd));
            scaled = Math.Max(scaled, Math.Max(actionScaled, logStdScaled));
        }

        return (worst, scaled);
    }

    private static (double Absolute, double Scaled) Differences(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double absolute = 0, scaled = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            absolute = Math.Max(absolute, d);
            scaled = Math.Max(scaled, d / Math.Max(1.0, Math.Abs(expected[i])));
        }

        return (absolute, scaled);
    }

    private static double TopTwoGap(ReadOnlySpan<double> logits)
    {
        double first = double.NegativeInfinity, second = double.NegativeInfinity;
        foreach (double v in logits)
        {
            if (v > first)
            {
                (first, second) = (v, first);
            }
            else if (v > second)
            {
                second = v;
            }
        }

        return first - second;
    }
}
