namespace Tensorless.Gpu.Tests;

public sealed class DeviceKindTests
{
    [Theory]
    [InlineData("cpu", DeviceKind.Cpu)]
    [InlineData("ilgpu-cpu", DeviceKind.IlgpuCpu)]
    [InlineData("CUDA", DeviceKind.Cuda)]
    [InlineData(" opencl ", DeviceKind.OpenCl)]
    public void Parse_KnownName_GivesKindAndRoundTrips(string name, DeviceKind kind)
    {
        Assert.Equal(kind, DeviceKinds.Parse(name));
        Assert.Equal(kind, DeviceKinds.Parse(kind.ToName()));
    }

    [Fact]
    public void Parse_UnknownName_ThrowsListingAllowedValues()
    {
        var e = Assert.Throws<ArgumentException>(() => DeviceKinds.Parse("gpu"));
        Assert.Contains("'gpu'", e.Message);
        Assert.Contains("cpu, ilgpu-cpu, cuda, opencl", e.Message);
    }

    [Fact]
    public void Create_Cpu_ThrowsBecauseThePlainKernelsNeedNoDevice() =>
        Assert.Throws<ArgumentException>(() => GpuDevice.Create(DeviceKind.Cpu));

    [Theory]
    [InlineData(DeviceKind.Cuda)]
    [InlineData(DeviceKind.OpenCl)]
    public void Create_MissingAccelerator_ThrowsDeviceUnavailableNamingIt(DeviceKind kind)
    {
        if (GpuDevice.IsAvailable(kind))
        {
            using var device = GpuDevice.Create(kind);
            Assert.StartsWith(kind.ToName() + ": ", device.Name);
            return;
        }

        var e = Assert.Throws<DeviceUnavailableException>(() => GpuDevice.Create(kind));
        Assert.Equal(kind, e.Kind);
        Assert.Contains($"'{kind.ToName()}'", e.Message);
    }

    [Fact]
    public void IlgpuCpu_IsAlwaysAvailable()
    {
        Assert.True(GpuDevice.IsAvailable(DeviceKind.IlgpuCpu));
        Assert.True(GpuDevice.IsAvailable(DeviceKind.Cpu));
    }
}
