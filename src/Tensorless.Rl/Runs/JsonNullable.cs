using System.Text.Json;

namespace Tensorless.Rl.Runs;

/// <summary>
/// Writes an optional value as a JSON property, or <c>null</c> when it is missing (and, for doubles, when it is NaN or
/// infinite, which JSON cannot hold): the convention of summary.json and population.json.
/// </summary>
internal static class JsonNullable
{
    public static void WriteOrNull(this Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteOrNull(this Utf8JsonWriter json, string name, long? value)
    {
        if (value is long v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteOrNull(this Utf8JsonWriter json, string name, ulong? value)
    {
        if (value is ulong v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    public static void WriteOrNull(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
