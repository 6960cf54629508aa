using System.Diagnostics.CodeAnalysis;
using Tensorless.Distributed;

namespace Tensorless.Cli.Training;

/// <summary>How every <c>--distributed</c> command joins MPI: a missing MPI library is one error line, not a crash.</summary>
internal static class MpiStart
{
    /// <summary>Initialises MPI; on failure writes <c>error: --distributed: ...</c> to <paramref name="stderr"/> and returns false.</summary>
    public static bool TryInitialize(TextWriter stderr, [NotNullWhen(true)] out MpiCommunicator? communicator)
    {
        try
        {
            communicator = MpiCommunicator.Initialize();
            return true;
        }
        catch (MpiUnavailableException ex)
        {
            stderr.WriteLine($"error: --distributed: {ex.Message}");
            communicator = null;
            return false;
        }
    }
}
