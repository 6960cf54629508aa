namespace Tensorless.Gpu;

/// <summary>The requested accelerator does not exist on this machine (no CUDA driver or GPU, no OpenCL device with double precision).</summary>
public sealed class DeviceUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="kind"/> with the reason it is unavailable.</summary>
    public DeviceUnavailableException(DeviceKind kind, string reason, Exception? inner = null)
        : base($"Device '{kind.ToName()}' is not available: {reason}", inner)
    {
        Kind = kind;
    }

    /// <summary>The device that was asked for.</summary>
    public DeviceKind Kind { get; }
}
