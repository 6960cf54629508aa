namespace Tensorless.Rl.Metrics;

/// <summary>The type held by a <see cref="MetricValue"/>.</summary>
public enum MetricKind
{
    /// <summary>A double (NaN allowed: "not measured this update").</summary>
    Double,

    /// <summary>A 64-bit integer (counters: update, env steps).</summary>
    Long,

    /// <summary>A string (labels: run name, env id).</summary>
    String,
}
