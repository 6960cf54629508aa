using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Tensorless.Cli.Training;

/// <summary>
/// Applies <c>--set key=value</c> overrides to an options record. Keys are the record's property names in any case, with
/// or without underscores (<c>learning_rate</c>, <c>LearningRate</c>), SB3's names where ours differ (<c>n_steps</c>,
/// <c>n_epochs</c>, <c>n_envs</c>), and dotted paths into nested records (<c>policy.hidden_sizes=[128,128]</c>).
/// Values are JSON (<c>3e-4</c>, <c>true</c>, <c>[64,64]</c>, <c>null</c>) or a bare word for enums (<c>linear</c>).
/// </summary>
internal static class OptionOverrides
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["nsteps"] = "NumSteps",
        ["nepochs"] = "NumEpochs",
        ["nenvs"] = "NumEnvs",
        ["lr"] = "LearningRate",
        ["trainviters"] = "TrainValueIterations",
        ["normalizeadvantages"] = "NormalizeAdvantage",
    };

    /// <summary>Serializer settings shared with config files: enums as strings, indented.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Returns a copy of <paramref name="options"/> with every override applied.</summary>
    /// <exception cref="ArgumentException">A key is unknown, malformed, or its value does not fit the option.</exception>
    public static T Apply<T>(T options, IEnumerable<string> assignments)
        where T : class
    {
        var root = JsonSerializer.SerializeToNode(options, Json)!.AsObject();
        foreach (string assignment in assignments)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
            {
                throw new ArgumentException($"--set expects key=value, got '{assignment}'.");
            }

            string key = assignment[..eq].Trim();
            string value = assignment[(eq + 1)..].Trim();
            Set(typeof(T), root, key, key.Split('.'), value);
        }

        try
        {
            return root.Deserialize<T>(Json) ?? throw new ArgumentException("The options could not be rebuilt.");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"An override does not fit its option: {ex.Message}");
        }
    }

    /// <summary>The settable option names of <typeparamref name="T"/>, for error messages and help.</summary>
    public static IEnumerable<string> Keys<T>() => Settable(typeof(T)).Select(p => p.Name);

    private static void Set(Type type, JsonObject node, string fullKey, string[] path, string value)
    {
        var property = Find(type, path[0])
            ?? throw new ArgumentException(
                $"Unknown option '{fullKey}'. Options of {type.Name}: {string.Join(", ", Settable(type).Select(p => p.Name))}.");
        if (path.Length > 1)
        {
            if (node[property.Name] is not JsonObject child)
            {
                throw new ArgumentException($"Option '{property.Name}' has no sub-options, so '{fullKey}' is not valid.");
            }

            Set(property.PropertyType, child, fullKey, path[1..], value);
            return;
        }

        node[property.Name] = ParseValue(property, value);
    }

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

    private static PropertyInfo? Find(Type type, string key)
    {
        string wanted = Normalize(key);
        if (Aliases.TryGetValue(wanted, out string? alias))
        {
            wanted = Normalize(alias);
        }

        return Settable(type).FirstOrDefault(p => Normalize(p.Name) == wanted);
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static string Normalize(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string Describe(Type t) =>
        t == typeof(bool) ? "true or false"
        : t == typeof(int) || t == typeof(long) || t == typeof(ulong) ? "whole number"
        : t == typeof(double) ? "number"
        : t.IsArray ? "JSON array such as [64,64]"
        : t.Name;

    /// <summary>Formats a double for messages in invariant culture.</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
