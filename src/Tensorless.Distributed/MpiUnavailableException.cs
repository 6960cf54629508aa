namespace Tensorless.Distributed;

/// <summary>No usable MPI library (OpenMPI's <c>libmpi.so.40</c>) could be loaded, or MPI could not start.</summary>
public sealed class MpiUnavailableException : Exception
{
    /// <summary>Creates the exception with a message that says what to install.</summary>
    public MpiUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>An MPI call returned an error code (OpenMPI's default handler aborts the job before this can happen).</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception for <paramref name="function"/> returning <paramref name="code"/>.</summary>
    public MpiException(string function, int code)
        : base($"{function} failed with MPI error code {code}.")
    {
        Function = function;
        Code = code;
    }

    /// <summary>The MPI function that failed.</summary>
    public string Function { get; }

    /// <summary>The error code it returned.</summary>
    public int Code { get; }
}

/// <summary>
/// Another rank of the group failed (to prepare its run, for example): this rank stops too, with this error, instead of
/// waiting for it in the next collective. The failing rank reports the cause itself.
/// </summary>
public sealed class RankFailedException : IOException
{
    /// <summary>Creates the exception with a message that names the failed ranks.</summary>
    public RankFailedException(string message)
        : base(message)
    {
    }
}
