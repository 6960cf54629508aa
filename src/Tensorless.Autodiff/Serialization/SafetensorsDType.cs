namespace Tensorless.Autodiff.Serialization;

/// <summary>The safetensors element types Tensorless reads (it writes F64 only).</summary>
public enum SafetensorsDType
{
    /// <summary>IEEE 754 double, 8 bytes little-endian: what Tensorless computes in and writes.</summary>
    F64,

    /// <summary>IEEE 754 single, 4 bytes little-endian: what PyTorch users usually save; widened exactly to double on read.</summary>
    F32,
}
