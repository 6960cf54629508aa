using System.Text;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Autodiff.Serialization;

/// <summary>
/// Saves a module's parameters to safetensors under their dotted names and PyTorch shapes (weight [out, in], bias [out]),
/// and loads them back by name, like <c>load_state_dict(strict=True)</c>: every parameter must be present with its exact
/// shape. A load checks everything before it writes anything, so a mismatched file leaves the module untouched.
/// </summary>
public static class ModuleCheckpoint
{
    /// <summary>The parameters as tensors with their checkpoint shapes (values copied).</summary>
    public static List<SafetensorsTensor> ToTensors(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var tensors = new List<SafetensorsTensor>(parameters.Count);
        for (int i = 0; i < parameters.Count; i++)
        {
            var shape = parameters.CheckpointShape(i);
            tensors.Add(new SafetensorsTensor(parameters[i].Name, shape.ToArray(), parameters[i].Data.ToArray()));
        }

        return tensors;
    }

    /// <summary>Writes the module's parameters (and optional metadata) to <paramref name="path"/> atomically.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IModule module, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        Safetensors.Save(path, ToTensors(module.Parameters), metadata);
    }

    /// <summary>Reads <paramref name="path"/> into the module's parameters and returns the file (for its metadata).</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, lacks a parameter, has a tensor of the wrong shape, or (when <paramref name="strict"/>) has tensors the module does not.</exception>
    public static SafetensorsFile Load(string path, IModule module, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        var file = Safetensors.Load(path);
        try
        {
            LoadInto(module.Parameters, file, strict);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        return file;
    }

    /// <summary>
    /// Copies the file's tensors into the parameters with the same names. Every problem is reported at once, and nothing
    /// is written unless there is none.
    /// </summary>
    /// <param name="parameters">The parameters to fill.</param>
    /// <param name="file">The parsed file.</param>
    /// <param name="strict">When true a tensor matching no parameter is an error (PyTorch's default); when false it is ignored.</param>
    /// <exception cref="InvalidDataException">A parameter is missing or has the wrong shape, or (strict) the file has extra tensors.</exception>
    public static void LoadInto(ParameterSet parameters, SafetensorsFile file, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(file);
        var problems = new StringBuilder();
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var shape = parameters.CheckpointShape(i);
            if (!file.TryGet(p.Name, out var t))
            {
                problems.Append($" missing tensor '{p.Name}' (expected shape {SafetensorsTensor.FormatShape(shape)});");
            }
            else if (!t.HasShape(shape))
            {
                problems.Append($" tensor '{p.Name}' has shape {t.ShapeText}, expected {SafetensorsTensor.FormatShape(shape)};");
            }
        }

        if (strict)
        {
            foreach (var t in file.Tensors)
            {
                if (!parameters.TryGet(t.Name, out _))
                {
                    problems.Append($" unexpected tensor '{t.Name}' {t.ShapeText} matches no parameter;");
                }
            }
        }

        if (problems.Length > 0)
        {
            throw new InvalidDataException($"The checkpoint does not match the module:{problems.ToString().TrimEnd(';')}.");
        }

        foreach (var p in parameters)
        {
            file[p.Name].Data.CopyTo(p.Data);
        }
    }
}
