using System.Text;
using System.Text.Json.Nodes;
using Tensorless.Autodiff.Serialization;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Options;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Checkpoints;

/// <summary>
/// Issue 13, part 2: every hostile config.json refused by the policy loader and by resume alike, with an
/// <see cref="InvalidDataException"/> that names the problem, before anything is allocated from its numbers.
/// </summary>
public sealed class HostileCheckpointTests : IDisposable
{
    private readonly string _dir = TempDirectory();

    public HostileCheckpointTests()
    {
        var agent = PpoCartPole();
        agent.Learn(32);
        Checkpoint.Save(agent, _dir);
    }

    private string ConfigPath => Path.Combine(_dir, Checkpoint.ConfigFileName);

    public void Dispose() => CheckpointTestKit.Dispose(_dir);

    /// <summary>Case name, edit of the parsed config (or null for raw text), raw text, fragment the message must hold.</summary>
    public static TheoryData<string, string> RawCases => new()
    {
        { "", "not a valid checkpoint config" },
        { "{}", "missing required properties" },
        { "null", "holds null" },
        { "[1, 2]", "not a valid checkpoint config" },
        { "{bad json", "not a valid checkpoint config" },
        { "\u0001\u00ff\u0000binary", "not a valid checkpoint config" },
    };

    public static TheoryData<string, string> EditCases => new()
    {
        { "options.OnPolicy.LearningRate=\"NaN\"", "LearningRate" },
        { "options.OnPolicy.Policy.Activation=\"Swish\"", "Activation" },
        { "algo=\"sac\"", "sac" },
        { "env_id=\"Acrobot-v1\"", "Acrobot-v1" },
        { "options.OnPolicy.Policy.HiddenSizes=[16, 16]", "expected" },
        { "options=null", "'options'" },
        { "observation_space=null", "'observation_space'" },
        { "options.OnPolicy.Policy=3", "OnPolicy.Policy" },
        { "options.OnPolicy.Policy.HiddenSizes=[100000, 100000]", "65536" },
        { "options.OnPolicy.Policy.HiddenSizes=[46341, 46341]", "134217728" },
        { "options.OnPolicy.Policy.HiddenSizes=[4000, 4000]", "holds only" },
        { "num_envs=10000000", "num_envs" },
        { "num_envs=3", "collector rows" },
        { "training_state.episode_count=-5", "episode_count" },
        { "progress.updates=-1", "progress.updates" },
        { "action_space.n=2000000000", "parameters" },
        { "options.OnPolicy.Threads=100000", "Threads" },
        { "observation_space.shape=[3]", "observation_space" },
    };

    [Theory]
    [MemberData(nameof(RawCases))]
    public void Load_And_Resume_RawConfig_ThrowNamedError(string text, string fragment)
    {
        File.WriteAllText(ConfigPath, text);
        AssertRefused(fragment, loadToo: true);
    }

    [Theory]
    [MemberData(nameof(EditCases))]
    public void Load_And_Resume_EditedConfig_ThrowNamedError(string edit, string fragment)
    {
        Edit(edit);
        // Threads only matters to training, so the policy loader may accept it; resume must not.
        AssertRefused(fragment, loadToo: !edit.Contains("Threads", StringComparison.Ordinal) && !edit.Contains("LearningRate", StringComparison.Ordinal));
    }

    [Fact]
    public void Resume_ConfigNamesFiveActionsModelHoldsTwo_RefusedAsLoadRefusesIt()
    {
        Edit("action_space.n=5");
        var resume = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains("action_space is Discrete(5)", resume.Message);
        Assert.Throws<InvalidDataException>(() => TrainedPolicy.Load(_dir));
    }

    [Fact]
    public void Load_ConfigLargerThanTheLimit_RefusedWithoutReadingItAll()
    {
        File.WriteAllBytes(ConfigPath, new byte[CheckpointValidation.MaxConfigBytes + 1]);
        var e = Assert.Throws<InvalidDataException>(() => TrainedPolicy.Load(_dir));
        Assert.Contains("at most 16777216", e.Message);
    }

    [Fact]
    public void Load_ConfigIsDevZero_RefusedAtTheLimit()
    {
        if (!File.Exists("/dev/zero"))
        {
            return; // Linux and macOS only
        }

        File.Delete(ConfigPath);
        File.CreateSymbolicLink(ConfigPath, "/dev/zero");
        var e = Assert.Throws<InvalidDataException>(() => TrainedPolicy.Load(_dir));
        Assert.Contains("more than 16777216 bytes", e.Message);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
    }

    [Fact]
    public void Load_ModelIsDevZero_RefusedWithoutReadingOn()
    {
        if (!File.Exists("/dev/zero"))
        {
            return;
        }

        string model = Path.Combine(_dir, Checkpoint.ModelFileName);
        File.Delete(model);
        File.CreateSymbolicLink(model, "/dev/zero");
        var e = Assert.Throws<InvalidDataException>(() => TrainedPolicy.Load(_dir));
        Assert.Contains("Invalid safetensors file", e.Message);
    }

    [Fact]
    public void SafetensorsLoad_HeaderClaimsTerabytes_ReadsOnlyWhatTheFileHolds()
    {
        string path = Path.Combine(_dir, "huge.safetensors");
        byte[] header = Encoding.UTF8.GetBytes("{\"a\":{\"dtype\":\"F64\",\"shape\":[131072,1048576],\"data_offsets\":[0,1099511627776]}}");
        var bytes = new byte[8 + header.Length + 64];
        BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), (ulong)header.Length);
        header.CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.Contains("go beyond the data region", e.Message);
    }

    [Fact]
    public void PolicyOptions_HiddenSizeAndBudget_NamedLimits()
    {
        var wide = Assert.Throws<ArgumentException>(() => new PolicyOptions { HiddenSizes = [PolicyOptions.MaxHiddenSize + 1] }.Validate());
        Assert.Contains("Policy.HiddenSizes", wide.Message);
        var overflow = Assert.Throws<ArgumentException>(() => new PolicyOptions { HiddenSizes = [46341, 46341] }.Validate());
        Assert.Contains("weights between hidden layers", overflow.Message);
    }

    [Fact]
    public void ParameterCount_MatchesTheBuiltPolicy()
    {
        foreach (var options in new[] { new PolicyOptions { HiddenSizes = [8, 5] }, new PolicyOptions { HiddenSizes = [7], SharedTrunk = true }, new PolicyOptions { ActorHiddenSizes = [], CriticHiddenSizes = [3, 4] } })
        {
            foreach (var env in new[] { "CartPole-v1", "Pendulum-v1" })
            {
                var vec = Envs.Gym.MakeVector(env, 1, seed: 1);
                var policy = new Tensorless.Rl.Policies.ActorCriticPolicy(vec.SingleObservationSpace, vec.SingleActionSpace, options, new Autodiff.Xoshiro256(1));
                long actual = 0;
                for (int i = 0; i < policy.Parameters.Count; i++)
                {
                    actual += policy.Parameters[i].Data.Length;
                }

                Assert.Equal(actual, options.ParameterCount(policy.ObservationSize, policy.HeadSize, !policy.IsDiscrete));
            }
        }
    }

    [Fact]
    public void OnPolicyOptions_HostileSizes_NamedErrors()
    {
        Assert.Contains("NumEnvs must be at most", Assert.Throws<ArgumentException>(() => new OnPolicyOptions { NumEnvs = 10_000_000 }.Validate()).Message);
        Assert.Contains("rollout size", Assert.Throws<ArgumentException>(() => new OnPolicyOptions { NumEnvs = 4096, NumSteps = 8192 }.Validate()).Message);
        Assert.Contains("Episodes must be at most", Assert.Throws<ArgumentException>(() => new Tensorless.Rl.Evaluation.EvaluationOptions { Episodes = int.MaxValue - 10 }.Validate()).Message);
    }

    private void AssertRefused(string fragment, bool loadToo)
    {
        var resume = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains(fragment, resume.Message);
        if (loadToo)
        {
            var load = Assert.Throws<InvalidDataException>(() => TrainedPolicy.Load(_dir));
            Assert.Contains(fragment, load.Message);
        }
    }

    /// <summary>Applies <c>dotted.path=json</c> to config.json.</summary>
    private void Edit(string edit)
    {
        int eq = edit.IndexOf('=', StringComparison.Ordinal);
        string[] path = edit[..eq].Split('.');
        var root = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        JsonObject node = root;
        foreach (string key in path[..^1])
        {
            node = node[key]!.AsObject();
        }

        node[path[^1]] = JsonNode.Parse(edit[(eq + 1)..]);
        File.WriteAllText(ConfigPath, root.ToJsonString());
    }
}
