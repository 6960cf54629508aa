using System.Text.Json.Nodes;
using Tensorless.Cli;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

/// <summary>
/// Issue 13, part 2, from the command line: every hostile file or argument prints <c>error: ...</c> naming the problem
/// and exits 2, with no stack trace; an unexpected exception is an internal error with its own exit code.
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly string s_base = MakeBaseRun();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-hostile-" + Guid.NewGuid().ToString("N"));

    public HostileInputTests() => CopyDirectory(s_base, _dir);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private string ConfigPath => Path.Combine(_dir, "config.json");

    public static TheoryData<string, string> CorruptConfigs => new()
    {
        { "", "not a valid checkpoint config" },
        { "{}", "missing required properties" },
        { "null", "holds null" },
        { "[1]", "not a valid checkpoint config" },
        { "{bad", "not a valid checkpoint config" },
        { "\u0000\u0001\u0002", "not a valid checkpoint config" },
        { "=options.OnPolicy.LearningRate=\"NaN\"", "LearningRate" },
        { "=options.OnPolicy.Policy.Activation=\"Swish\"", "Activation" },
        { "=algo=\"sac\"", "sac" },
        { "=env_id=\"Acrobot-v1\"", "Acrobot-v1" },
        { "=options.OnPolicy.Policy.HiddenSizes=[16]", "has shape" },
        { "=options=null", "'options'" },
        { "=observation_space=null", "'observation_space'" },
        { "=options.OnPolicy.Policy=3", "OnPolicy.Policy" },
        { "=options.OnPolicy.Policy.HiddenSizes=[100000,100000]", "65536" },
        { "=options.OnPolicy.Policy.HiddenSizes=[46341,46341]", "weights between hidden layers" },
        { "=num_envs=10000000", "num_envs" },
        { "=training_state.episode_count=-5", "episode_count" },
        { "=action_space.n=5", "5" },
    };

    [Theory]
    [MemberData(nameof(CorruptConfigs))]
    public void ResumeAndEval_CorruptConfig_NamedErrorExit2(string config, string fragment)
    {
        WriteConfig(config);
        AssertError(Run("train", "--resume", _dir, "--total-steps", "256", "--eval-episodes", "0", "--plain"), fragment);
        if (!config.Contains("LearningRate", StringComparison.Ordinal))
        {
            AssertError(Run("eval", "--run", _dir, "--episodes", "1"), fragment);
        }
    }

    [Fact]
    public void Eval_ConfigIsDevZero_NamedErrorExit2()
    {
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        File.Delete(ConfigPath);
        File.CreateSymbolicLink(ConfigPath, "/dev/zero");
        AssertError(Run("eval", "--run", _dir), "more than 16777216 bytes");
        AssertError(Run("train", "--resume", _dir, "--plain"), "more than 16777216 bytes");
    }

    [Theory]
    [InlineData("policy.hidden_sizes=[100000]", "65536")]
    [InlineData("policy.hidden_sizes=[46341,46341]", "weights between hidden layers")]
    [InlineData("num_envs=10000000", "NumEnvs must be at most")]
    public void Train_HostileSizes_NamedErrorExit2(string set, string fragment) =>
        AssertError(Run("train", "--set", set, "--total-steps", "64", "--out", Path.Combine(_dir, "new"), "--plain"), fragment);

    [Fact]
    public void Train_ThreadsAMillion_NamedError() =>
        AssertError(Run("train", "--threads", "1000000", "--total-steps", "64", "--out", Path.Combine(_dir, "new")), "Threads must be at most 256");

    [Fact]
    public void Train_OutIsAFile_NamedError() =>
        AssertError(Run("train", "--out", ConfigPath, "--total-steps", "64"), "is a file; a run needs a directory");

    [Fact]
    public void Train_OutUnderAFile_NamedError() =>
        AssertError(Run("train", "--out", Path.Combine(ConfigPath, "sub"), "--total-steps", "64"), "is a file, so no directory can be made under it");

    [Fact]
    public void Train_OutUnwritable_NamedError()
    {
        // As root a read-only mode does not stop writes, so use a folder no one can create directories in.
        string path = OperatingSystem.IsLinux() ? "/proc/tensorless-cannot-exist/run" : Path.Combine(_dir, "ro", "run");
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        AssertError(Run("train", "--out", path, "--total-steps", "64"), "--out");
    }

    [Theory]
    [InlineData("2147483000", "Episodes must be at most 1000000")]
    [InlineData("99999999999", "--episodes takes a whole number")]
    [InlineData("-3", "Episodes must be at least 1")]
    public void Eval_EpisodesOutOfRange_NamedError(string episodes, string fragment) =>
        AssertError(Run("eval", "--run", _dir, "--episodes", episodes), fragment);

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    public void Seed_Negative_NamedErrorWithoutTypeName(string command)
    {
        var result = command == "eval" ? Run(command, "--run", _dir, "--seed", "-1") : Run(command, "--seed", "-1", "--out", Path.Combine(_dir, "new"));
        AssertError(result, "--seed takes a whole number from 0 to 18446744073709551615, got '-1'");
        Assert.DoesNotContain("System.", result.Error);
    }

    [Fact]
    public void CliErrors_ClassifyInputErrorsAndBugs()
    {
        Assert.True(CliErrors.IsInvalidInput(new InvalidDataException("x")));
        Assert.True(CliErrors.IsInvalidInput(new UnauthorizedAccessException("x")));
        Assert.True(CliErrors.IsInvalidInput(new FileNotFoundException("x")));
        Assert.False(CliErrors.IsInvalidInput(new NullReferenceException()));
        Assert.False(CliErrors.IsInvalidInput(new IndexOutOfRangeException()));
        string report = CliErrors.DescribeInternal(new NullReferenceException("boom"), withStackTrace: false);
        Assert.StartsWith("internal error: NullReferenceException: boom", report);
        Assert.Contains(CommandLineApp.DebugVariable, report);
        Assert.Equal("error: bad value", CliErrors.Describe(new InvalidDataException("bad value (Parameter 'x')")));
    }

    private static void AssertError((int Code, string Output, string Error) result, string fragment)
    {
        Assert.True(result.Code == ExitCodes.InvalidInput, $"exit {result.Code}; stderr: {result.Error}");
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains(fragment, result.Error);
        Assert.DoesNotContain("   at ", result.Error);
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }

    /// <summary>Raw text, or <c>=dotted.path=json</c> to edit one field of the saved config.</summary>
    private void WriteConfig(string config)
    {
        if (!config.StartsWith('='))
        {
            File.WriteAllText(ConfigPath, config);
            return;
        }

        int eq = config.IndexOf('=', 1);
        string[] path = config[1..eq].Split('.');
        var root = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        JsonObject node = root;
        foreach (string key in path[..^1])
        {
            node = node[key]!.AsObject();
        }

        node[path[^1]] = JsonNode.Parse(config[(eq + 1)..]);
        File.WriteAllText(ConfigPath, root.ToJsonString());
    }

    private static string MakeBaseRun()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tensorless-hostile-base-" + Guid.NewGuid().ToString("N"));
        var (code, _, error) = Run("train", "--total-steps", "128", "--eval-episodes", "0", "--out", dir, "--plain",
            "--set", "num_envs=2", "--set", "num_steps=32", "--set", "minibatch_size=32", "--set", "policy.hidden_sizes=[8]");
        Assert.True(code == 0, error);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        };
        return dir;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
