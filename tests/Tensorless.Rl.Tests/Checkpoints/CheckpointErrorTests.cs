using System.Text.Json.Nodes;
using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Checkpoints;

public sealed class CheckpointErrorTests : IDisposable
{
    private readonly string _dir = TempDirectory();
    private readonly Ppo _agent = PpoCartPole();

    public CheckpointErrorTests()
    {
        _agent.Learn(32);
        Checkpoint.Save(_agent, _dir);
    }

    private string ModelPath => Path.Combine(_dir, Checkpoint.ModelFileName);

    private string ConfigPath => Path.Combine(_dir, Checkpoint.ConfigFileName);

    public void Dispose() => CheckpointTestKit.Dispose(_dir);

    [Fact]
    public void Save_WhenASecondFileCannotBeWritten_LeavesThePreviousCheckpointIntact()
    {
        byte[] model = File.ReadAllBytes(ModelPath);
        byte[] config = File.ReadAllBytes(ConfigPath);
        _agent.Learn(64);
        // A directory where config.json's temporary file must go: the model's temp file is written first, then this fails.
        string blocker = Path.Combine(_dir, $".{Checkpoint.ConfigFileName}.tmp");
        Directory.CreateDirectory(blocker);
        var e = Assert.Throws<IOException>(() => Checkpoint.Save(_agent, _dir));
        Assert.Contains(Checkpoint.ConfigFileName, e.Message);
        Assert.Equal(model, File.ReadAllBytes(ModelPath));
        Assert.Equal(config, File.ReadAllBytes(ConfigPath));
        Assert.False(File.Exists(Path.Combine(_dir, $".{Checkpoint.ModelFileName}.tmp")), "the written temp file is removed");

        Directory.Delete(blocker);
        Checkpoint.Save(_agent, _dir);
        Assert.Equal(64, Checkpoint.Resume(_dir).Learner.Progress.EnvSteps);
    }

    [Fact]
    public void Resume_MissingFileOrDirectory_NamesIt()
    {
        File.Delete(ConfigPath);
        var e = Assert.Throws<FileNotFoundException>(() => Checkpoint.Resume(_dir));
        Assert.Contains(Checkpoint.ConfigFileName, e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => Checkpoint.Resume(Path.Combine(_dir, "nowhere")));
    }

    [Fact]
    public void Resume_TruncatedModel_NamesTheFile()
    {
        byte[] bytes = File.ReadAllBytes(ModelPath);
        File.WriteAllBytes(ModelPath, bytes[..(bytes.Length - 13)]);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains(Checkpoint.ModelFileName, e.Message);
    }

    [Fact]
    public void Resume_BrokenJson_NamesTheFile()
    {
        File.WriteAllText(ConfigPath, "{ \"algo\": ");
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains(Checkpoint.ConfigFileName, e.Message);
    }

    [Fact]
    public void Resume_ModelFromAnotherSave_IsRejected()
    {
        string other = TempDirectory();
        try
        {
            Checkpoint.Save(_agent, other);
            File.Copy(Path.Combine(other, Checkpoint.ModelFileName), ModelPath, overwrite: true);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
            Assert.Contains("different saves", e.Message);
        }
        finally
        {
            CheckpointTestKit.Dispose(other);
        }
    }

    [Fact]
    public void Resume_MissingExtraOrMisshapenTensor_ListsEachProblem()
    {
        var file = Safetensors.Load(ModelPath);
        var tensors = file.Tensors.Where(t => t.Name != "actor.0.bias" && t.Name != "critic.0.weight").ToList();
        tensors.Add(new SafetensorsTensor("critic.0.weight", [4, 8], new double[32]));
        tensors.Add(new SafetensorsTensor("surprise", [1], [1.0]));
        // Checksums recomputed, as a deliberate edit would: the structural problems are what is left to report.
        var metadata = file.Metadata.Where(kv => !kv.Key.StartsWith(SafetensorsChecksums.KeyPrefix, StringComparison.Ordinal)).ToDictionary();
        Safetensors.Save(ModelPath, tensors, SafetensorsChecksums.With(tensors, metadata));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains(Checkpoint.ModelFileName, e.Message);
        Assert.Contains("missing tensor 'actor.0.bias'", e.Message);
        Assert.Contains("'critic.0.weight' has shape [4, 8], expected [8, 4]", e.Message);
        Assert.Contains("unexpected tensor 'surprise'", e.Message);
    }

    [Fact]
    public void Resume_ConfigNamingAnotherAlgorithmOrEnv_IsRejected()
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigPath))!;
        config["algo"] = "dqn";
        File.WriteAllText(ConfigPath, config.ToJsonString());
        Assert.Contains("config.json says dqn on CartPole-v1", Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir)).Message);

        config["algo"] = "a2c";
        File.WriteAllText(ConfigPath, config.ToJsonString());
        var a2c = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        Assert.Contains("saved by ppo on CartPole-v1, but config.json says a2c on CartPole-v1", a2c.Message);

        config["algo"] = "ppo";
        config["env_id"] = "NoSuchEnv-v9";
        File.WriteAllText(ConfigPath, config.ToJsonString());
        Assert.Contains("NoSuchEnv-v9", Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir)).Message);

        // A config that agrees with the model's metadata but names an env the weights do not fit.
        var file = Safetensors.Load(ModelPath);
        Safetensors.Save(ModelPath, file.Tensors, new Dictionary<string, string>(file.Metadata) { ["env_id"] = "Acrobot-v1" });
        config["env_id"] = "Acrobot-v1";
        File.WriteAllText(ConfigPath, config.ToJsonString());
        var acrobot = Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir));
        // The config's spaces are checked against the rebuilt env before the weights are (issue 13: resume refuses what load refuses).
        Assert.Contains("observation_space is Box", acrobot.Message);
        Assert.Contains("but Acrobot-v1 has Box", acrobot.Message);
    }

    [Fact]
    public void Restore_IntoAnAgentOfAnotherAlgorithmOrEnv_IsRejectedWithoutChangingIt()
    {
        var a2c = new A2c(Gym.MakeVector("CartPole-v1", 2, seed: 3), SmallA2c);
        var before = a2c.Policy.Parameters["actor.0.weight"].Data.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(a2c, _dir));
        Assert.Contains("the checkpoint is ppo on CartPole-v1 x 2; the agent is a2c on CartPole-v1 x 2", e.Message);
        AssertBits(before, a2c.Policy.Parameters["actor.0.weight"].Data.ToArray(), "untouched");
        var pendulum = new Ppo(Gym.MakeVector("Pendulum-v1", 2), SmallPpo);
        Assert.Contains("Pendulum-v1", Assert.Throws<InvalidDataException>(() => Checkpoint.Restore(pendulum, _dir)).Message);
    }

    [Fact]
    public void Resume_CorruptGeneratorWordOrSnapshot_NamesTheField()
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigPath))!;
        string snapshot = (string)config["training_state"]!["env_snapshot"]!;
        config["training_state"]!["rng"]![2] = "0xnothex";
        File.WriteAllText(ConfigPath, config.ToJsonString());
        Assert.Contains("training_state.rng[2]", Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir)).Message);

        config["training_state"]!["rng"]![2] = "0x0000000000000001";
        config["training_state"]!["env_snapshot"] = snapshot[..^8];
        File.WriteAllText(ConfigPath, config.ToJsonString());
        Assert.Contains("env snapshot", Assert.Throws<InvalidDataException>(() => Checkpoint.Resume(_dir)).Message);
    }
}
