using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Runs;

/// <summary>
/// Applies <c>key=value</c> overrides (the CLI's <c>--set</c>) to an algorithm's options record. Keys are the property
/// names in any case, with or without underscores (<c>learning_rate</c>, <c>LearningRate</c>), SB3's names where ours
/// differ (<c>n_steps</c>, <c>n_epochs</c>, <c>n_envs</c>, <c>batch_size</c>), and dotted paths into nested records
/// (<c>policy.hidden_sizes=[128,128]</c>). The shared <see cref="OnPolicyOptions"/> of <see cref="IAlgorithmOptions.OnPolicy"/>
/// is flattened: <c>gamma</c> reaches <c>OnPolicy.Gamma</c>. Values are JSON (<c>3e-4</c>, <c>true</c>, <c>[64,64]</c>,
/// <c>null</c>) or a bare word for enums (<c>linear</c>).
/// </summary>
public static class OptionOverrides
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nsteps"] = "NumSteps",
        ["nepochs"] = "NumEpochs",
        ["nenvs"] = "NumEnvs",
        ["lr"] = "LearningRate",
        ["batchsize"] = "MinibatchSize",
        ["trainviters"] = "TrainValueIterations",
        ["normalizeadvantages"] = "NormalizeAdvantage",
    };

    /// <summary>Serializer of options records: property names as in C#, enums as strings, indented.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Returns a copy of <paramref name="options"/> with every override applied (not validated).</summary>
    /// <param name="options">The options to start from.</param>
    /// <param name="assignments">Overrides, <c>key=value</c> each.</param>
    /// <returns>The new options, of the same type.</returns>
    /// <exception cref="ArgumentException">A key is unknown, malformed, or its value does not fit the option.</exception>
    public static IAlgorithmOptions Apply(IAlgorithmOptions options, IEnumerable<string> assignments)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(assignments);
        var type = options.GetType();
        var root = JsonSerializer.SerializeToNode(options, type, Json)!.AsObject();
        foreach (string assignment in assignments)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
            {
                throw new ArgumentException($"--set expects key=value, got '{assignment}'.");
            }

            string key = assignment[..eq].Trim();
            string value = assignment[(eq + 1)..].Trim();
            Set(type, root, key, key.Split('.'), value);
        }

        try
        {
            return root.Deserialize(type, Json) as IAlgorithmOptions ?? throw new ArgumentException("The options could not be rebuilt.");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"An override does not fit its option: {ex.Message}");
        }
    }

    /// <summary>The settable option keys of <paramref name="type"/> in snake_case, the shared ones included, for help and errors.</summary>
    /// <param name="type">An options record type.</param>
    /// <returns>The keys.</returns>
    public static IEnumerable<string> Keys(Type type) =>
        Settable(type).SelectMany(p => IsFlattened(p) ? Keys(p.PropertyType) : [SnakeCase(p.Name)]);

    private static void Set(Type type, JsonObject node, string fullKey, string[] path, string value)
    {
        var (property, owner) = Find(type, node, path[0])
            ?? throw new ArgumentException(
                $"Unknown option '{fullKey}'. Options of {type.Name}: {string.Join(", ", Keys(type))}.");
        if (path.Length > 1)
        {
            if (owner[property.Name] is not JsonObject child)
            {
                throw new ArgumentException($"Option '{property.Name}' has no sub-options, so '{fullKey}' is not valid.");
            }

            Set(property.PropertyType, child, fullKey, path[1..], value);
            return;
        }

        owner[property.Name] = ParseValue(property, value);
    }

    /// <summary>The property a key names and the JSON object holding it: on the type itself, else inside a flattened record.</summary>
    private static (PropertyInfo Property, JsonObject Owner)? Find(Type type, JsonObject node, string key)
    {
        string wanted = Normalize(key);
        if (Aliases.TryGetValue(wanted, out string? alias))
        {
            wanted = Normalize(alias);
        }

        foreach (var p in Settable(type))
        {
            if (Normalize(p.Name) == wanted && !IsFlattened(p))
            {
                return (p, node);
            }
        }

        foreach (var p in Settable(type).Where(IsFlattened))
        {
            if (node[p.Name] is JsonObject child && Find(p.PropertyType, child, key) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    private static bool IsFlattened(PropertyInfo p) => p.PropertyType == typeof(OnPolicyOptions);

    private static JsonNode? ParseValue(PropertyInfo property, string value)
    {
        var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        if (target.IsEnum)
        {
            var match = Enum.GetNames(target).FirstOrDefault(n => Normalize(n) == Normalize(value))
                ?? throw new ArgumentException($"Option '{property.Name}' takes one of {string.Join(", ", Enum.GetNames(target))}, got '{value}'.");
            return JsonValue.Create(match);
        }

        if (target == typeof(string))
        {
            return JsonValue.Create(value);
        }

        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            throw new ArgumentException($"Option '{property.Name}' needs a {Describe(target)}, got '{value}'.");
        }
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static string Normalize(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string SnakeCase(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    private static string Describe(Type t) =>
        t == typeof(bool) ? "true or false"
        : t == typeof(int) || t == typeof(long) || t == typeof(ulong) ? "whole number"
        : t == typeof(double) ? "number"
        : t.IsArray ? "JSON array such as [64,64]"
        : t.Name;

    /// <summary>Formats a double for messages in invariant culture.</summary>
    /// <param name="value">The value.</param>
    /// <returns>Shortest round-trip text.</returns>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
