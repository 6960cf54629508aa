using System.Diagnostics;

namespace Tensorless.Distributed.Tests;

/// <summary>Launches the CLI (tensorless.dll, copied next to the tests) under OpenMPI's mpirun.</summary>
internal static class MpiHarness
{
    /// <summary>Why the MPI tests cannot run here, or null when mpirun and libmpi.so.40 are installed.</summary>
    public static string? SkipReason()
    {
        if (!MpiCommunicator.IsAvailable(out string? reason))
        {
            return reason;
        }

        return File.Exists("/usr/bin/mpirun") ? null : "mpirun is not installed (apt-get install openmpi-bin)";
    }

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> dotnet tensorless.dll <paramref name="arguments"/></c>, output redirected.</summary>
    public static Process Start(int ranks, string arguments)
    {
        var start = new ProcessStartInfo("mpirun", $"-np {ranks} --oversubscribe --allow-run-as-root dotnet {Path.Combine(AppContext.BaseDirectory, "tensorless.dll")} {arguments}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        return Process.Start(start)!;
    }

    /// <summary>Runs mpirun to its end (failing the test past <paramref name="timeout"/>); returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Run(int ranks, string arguments, TimeSpan timeout)
    {
        using var process = Start(ranks, arguments);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"mpirun did not finish within {timeout.TotalSeconds} s");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>The process id of rank <paramref name="rank"/> under <paramref name="mpirun"/> (Linux: read from /proc), or null.</summary>
    public static int? RankProcess(Process mpirun, int rank)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid))
            {
                continue;
            }

            try
            {
                // stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ')'
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1]) != mpirun.Id)
                {
                    continue;
                }

                string environ = File.ReadAllText(Path.Combine(dir, "environ"));
                if (environ.Split('\0').Contains($"OMPI_COMM_WORLD_RANK={rank}"))
                {
                    return pid;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended while being read
            }
        }

        return null;
    }
}
