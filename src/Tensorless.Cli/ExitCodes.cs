namespace Tensorless.Cli;

/// <summary>The exit codes of <c>tensorless</c>, kept distinct so scripts and schedulers can tell outcomes apart (README, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran but its check failed: <c>bench solve</c> left a seed unsolved, <c>env replay</c> met a bad line.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: a usage error, an invalid option, or a missing, unreadable, corrupt or inconsistent file.</summary>
    public const int InvalidInput = 2;

    /// <summary><c>train</c>: the run diverged (a NaN loss or parameter).</summary>
    public const int Diverged = 3;

    /// <summary>A bug: an exception that no input should cause (EX_SOFTWARE in sysexits.h).</summary>
    public const int InternalError = 70;
}
