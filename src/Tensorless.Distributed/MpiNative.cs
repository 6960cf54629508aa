using System.Runtime.InteropServices;

namespace Tensorless.Distributed;

/// <summary>
/// A thin binding of the MPI calls <see cref="MpiCommunicator"/> uses, against OpenMPI's <c>libmpi.so.40</c> (Debian's
/// OpenMPI 4.1). OpenMPI's handles are pointers to exported globals (<c>MPI_COMM_WORLD</c> is
/// <c>&amp;ompi_mpi_comm_world</c>), so they are resolved with <see cref="NativeLibrary.GetExport"/>. MPI.NET 1.4.0 does
/// not work here: it binds <c>msmpi.dll</c> and MS-MPI's integer handles (issue 14).
/// </summary>
internal static unsafe class MpiNative
{
    private const int RtldNow = 2;
    private const int RtldGlobal = 0x100;

    /// <summary>The library names tried, in order.</summary>
    internal static readonly string[] LibraryNames = ["libmpi.so.40", "libmpi.so"];

    private static readonly Lazy<Api> Loaded = new(Load);

    /// <summary>The loaded entry points; throws <see cref="MpiUnavailableException"/> when there is no MPI library.</summary>
    internal static Api Get() => Loaded.Value;

    /// <summary>Whether an MPI library can be loaded (does not start MPI).</summary>
    internal static bool TryLoad(out string? reason)
    {
        try
        {
            _ = Loaded.Value;
            reason = null;
            return true;
        }
        catch (MpiUnavailableException ex)
        {
            reason = ex.Message;
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "dlopen")]
    private static extern nint DlOpen(string fileName, int flags);

    private static Api Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new MpiUnavailableException("MPI support needs Linux with OpenMPI (libmpi.so.40).");
        }

        nint handle = 0;
        foreach (string name in LibraryNames)
        {
            try
            {
                // RTLD_GLOBAL: OpenMPI's plugins (mca_*.so) are loaded by libmpi itself and resolve its symbols globally
                handle = DlOpen(name, RtldNow | RtldGlobal);
            }
            catch (DllNotFoundException)
            {
                handle = 0;
            }

            if (handle != 0)
            {
                break;
            }
        }

        if (handle == 0)
        {
            throw new MpiUnavailableException(
                "No MPI library found (tried libmpi.so.40, libmpi.so). Install OpenMPI, e.g. 'apt-get install openmpi-bin libopenmpi-dev', and launch with mpirun.");
        }

        try
        {
            return new Api(handle);
        }
        catch (EntryPointNotFoundException ex)
        {
            throw new MpiUnavailableException($"The MPI library found is not OpenMPI 4 ({ex.Message}); Tensorless binds OpenMPI's ABI.", ex);
        }
    }

    /// <summary>The entry points and handles.</summary>
    internal sealed class Api
    {
        public readonly delegate* unmanaged<int*, nint*, int> Init;
        public readonly delegate* unmanaged<int*, int> Initialized;
        public readonly delegate* unmanaged<int> Finalize;
        public readonly delegate* unmanaged<int*, int> Finalized;
        public readonly delegate* unmanaged<nint, int*, int> CommRank;
        public readonly delegate* unmanaged<nint, int*, int> CommSize;
        public readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce;
        public readonly delegate* unmanaged<void*, int, nint, int, nint, int> Bcast;
        public readonly delegate* unmanaged<nint, int> Barrier;
        public readonly delegate* unmanaged<void*, int, nint, void*, int, nint, int, nint, int> Gather;
        public readonly delegate* unmanaged<nint, int, int> Abort;
        public readonly nint CommWorld;
        public readonly nint Double;
        public readonly nint OpSum;

        /// <summary>OpenMPI's MPI_IN_PLACE, <c>(void*)1</c>.</summary>
        public static readonly void* InPlace = (void*)1;

        public Api(nint lib)
        {
            Init = (delegate* unmanaged<int*, nint*, int>)NativeLibrary.GetExport(lib, "MPI_Init");
            Initialized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "MPI_Initialized");
            Finalize = (delegate* unmanaged<int>)NativeLibrary.GetExport(lib, "MPI_Finalize");
            Finalized = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(lib, "MPI_Finalized");
            CommRank = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(lib, "MPI_Comm_rank");
            CommSize = (delegate* unmanaged<nint, int*, int>)NativeLibrary.GetExport(lib, "MPI_Comm_size");
            Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)NativeLibrary.GetExport(lib, "MPI_Allreduce");
            Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)NativeLibrary.GetExport(lib, "MPI_Bcast");
            Barrier = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "MPI_Barrier");
            Gather = (delegate* unmanaged<void*, int, nint, void*, int, nint, int, nint, int>)NativeLibrary.GetExport(lib, "MPI_Gather");
            Abort = (delegate* unmanaged<nint, int, int>)NativeLibrary.GetExport(lib, "MPI_Abort");
            CommWorld = NativeLibrary.GetExport(lib, "ompi_mpi_comm_world");
            Double = NativeLibrary.GetExport(lib, "ompi_mpi_double");
            OpSum = NativeLibrary.GetExport(lib, "ompi_mpi_op_sum");
        }
    }

    /// <summary>Throws <see cref="MpiException"/> unless <paramref name="code"/> is MPI_SUCCESS (0).</summary>
    internal static void Check(int code, string function)
    {
        if (code != 0)
        {
            throw new MpiException(function, code);
        }
    }
}
