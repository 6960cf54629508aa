namespace Tensorless.Gpu;

/// <summary>Where the kernels run: the plain CPU kernels of Tensorless.Autodiff (no ILGPU), or an ILGPU accelerator.</summary>
public enum DeviceKind
{
    /// <summary>The plain CPU kernels; ILGPU is never loaded. The default everywhere.</summary>
    Cpu,

    /// <summary>ILGPU's CPU accelerator: the device kernels run on CPU threads (for tests and CI without a GPU).</summary>
    IlgpuCpu,

    /// <summary>An NVIDIA GPU through ILGPU's CUDA backend.</summary>
    Cuda,

    /// <summary>An OpenCL device (a GPU, or a CPU through an ICD such as PoCL) through ILGPU's OpenCL backend.</summary>
    OpenCl,
}

/// <summary>Parsing and printing of <see cref="DeviceKind"/> in the CLI's spelling: <c>cpu|ilgpu-cpu|cuda|opencl</c>.</summary>
public static class DeviceKinds
{
    /// <summary>The accepted names, in the order help text lists them.</summary>
    public const string AllowedNames = "cpu, ilgpu-cpu, cuda, opencl";

    /// <summary>Parses <c>cpu</c>, <c>ilgpu-cpu</c>, <c>cuda</c> or <c>opencl</c> (case-insensitive, surrounding spaces ignored).</summary>
    /// <exception cref="ArgumentException">The name is none of the allowed values (the message lists them).</exception>
    public static DeviceKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryParse(name, out var kind))
        {
            return kind;
        }

        throw new ArgumentException($"Unknown device '{name}'; expected one of: {AllowedNames}.", nameof(name));
    }

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? name, out DeviceKind kind)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "cpu":
                kind = DeviceKind.Cpu;
                return true;
            case "ilgpu-cpu":
                kind = DeviceKind.IlgpuCpu;
                return true;
            case "cuda":
                kind = DeviceKind.Cuda;
                return true;
            case "opencl":
                kind = DeviceKind.OpenCl;
                return true;
            default:
                kind = default;
                return false;
        }
    }

    /// <summary>The CLI spelling of <paramref name="kind"/> (the inverse of <see cref="Parse"/>).</summary>
    public static string ToName(this DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => "cpu",
        DeviceKind.IlgpuCpu => "ilgpu-cpu",
        DeviceKind.Cuda => "cuda",
        DeviceKind.OpenCl => "opencl",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Not a device kind; expected one of: {AllowedNames}."),
    };
}
