namespace Tensorless.Autodiff.Serialization;

/// <summary>The parsed contents of a safetensors file: its tensors in data order and its <c>__metadata__</c> map.</summary>
public sealed class SafetensorsFile
{
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    internal SafetensorsFile(List<SafetensorsTensor> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
        _byName = new Dictionary<string, SafetensorsTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            _byName.Add(t.Name, t);
        }
    }

    /// <summary>The tensors in the order their data appears in the file.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The free-form string map stored under <c>__metadata__</c> (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no tensor by that name.</exception>
    public SafetensorsTensor this[string name] => _byName.TryGetValue(name, out var t)
        ? t
        : throw new KeyNotFoundException($"The safetensors file has no tensor named '{name}'.");

    /// <summary>Looks a tensor up by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out SafetensorsTensor tensor) =>
        _byName.TryGetValue(name, out tensor);
}
