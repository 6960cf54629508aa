namespace Tensorless.Autodiff.Optim;

/// <summary>Argument checks and state (de)serialisation shared by the optimizers.</summary>
internal static class OptimizerState
{
    /// <summary>Copies the parameter list, rejecting nulls and repeats (a repeated parameter would be updated twice).</summary>
    public static Parameter[] Snapshot(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var result = new Parameter[parameters.Count];
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < result.Length; i++)
        {
            var p = parameters[i] ?? throw new ArgumentException($"Parameter {i} is null.", nameof(parameters));
            if (!seen.Add(p))
            {
                throw new ArgumentException($"Parameter '{p.Name}' appears twice; it would be updated twice per step.", nameof(parameters));
            }

            result[i] = p;
        }

        return result;
    }

    /// <summary>One zeroed buffer per parameter, the shape of its values.</summary>
    public static double[][] Buffers(Parameter[] parameters) => Array.ConvertAll(parameters, p => new double[p.Length]);

    /// <summary>Checks a learning rate (or any non-negative finite option).</summary>
    public static double NonNegative(double value, string option)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentException($"{option} must be finite and non-negative, got {value}.", option);
        }

        return value;
    }

    /// <summary>Checks a decay rate (a beta, alpha or momentum) lies in [0, 1).</summary>
    public static double UnitInterval(double value, string option)
    {
        if (!(value >= 0 && value < 1))
        {
            throw new ArgumentException($"{option} must be in [0, 1), got {value}.", option);
        }

        return value;
    }

    /// <summary>Checks an epsilon is finite and positive (it keeps a division away from zero).</summary>
    public static double Positive(double value, string option)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            throw new ArgumentException($"{option} must be finite and positive, got {value}.", option);
        }

        return value;
    }

    /// <summary>Exports a step count and per-parameter buffers under <c>prefix.step</c> and <c>prefix.buffer.name</c>.</summary>
    public static Dictionary<string, double[]> Export(string prefix, long step, Parameter[] parameters, params (string Buffer, double[][] Values)[] buffers)
    {
        var state = new Dictionary<string, double[]>(StringComparer.Ordinal) { [$"{prefix}.step"] = [step] };
        foreach (var (buffer, values) in buffers)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                state[$"{prefix}.{buffer}.{parameters[i].Name}"] = (double[])values[i].Clone();
            }
        }

        return state;
    }

    /// <summary>Validates every expected key, then copies; returns the step count.</summary>
    public static long Import(IReadOnlyDictionary<string, double[]> state, string prefix, Parameter[] parameters, params (string Buffer, double[][] Values)[] buffers)
    {
        ArgumentNullException.ThrowIfNull(state);
        string stepKey = $"{prefix}.step";
        if (!state.TryGetValue(stepKey, out var stepArray) || stepArray is null || stepArray.Length != 1)
        {
            throw new ArgumentException($"Optimizer state needs '{stepKey}' holding one value.", nameof(state));
        }

        double s = stepArray[0];
        if (!(s >= 0 && s <= (1L << 53) && Math.Floor(s) == s))
        {
            throw new ArgumentException($"Optimizer state '{stepKey}' must be a non-negative integer, got {s}.", nameof(state));
        }

        var sources = new List<(double[] From, double[] To)>();
        foreach (var (buffer, values) in buffers)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                string key = $"{prefix}.{buffer}.{parameters[i].Name}";
                if (!state.TryGetValue(key, out var from) || from is null)
                {
                    throw new ArgumentException($"Optimizer state has no '{key}'.", nameof(state));
                }

                if (from.Length != values[i].Length)
                {
                    throw new ArgumentException($"Optimizer state '{key}' has {from.Length} values, the parameter {values[i].Length}.", nameof(state));
                }

                sources.Add((from, values[i]));
            }
        }

        foreach (var (from, to) in sources)
        {
            from.CopyTo(to, 0);
        }

        return (long)s;
    }
}
