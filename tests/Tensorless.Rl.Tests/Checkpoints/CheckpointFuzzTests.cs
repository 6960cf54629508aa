using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Serialization;
using Tensorless.Rl.Checkpoints;
using Tensorless.Tests;
using Xunit.Abstractions;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Checkpoints;

/// <summary>
/// Fuzz of the two readers of a checkpoint (issue 13, part 2): a real small checkpoint pair is the seed corpus;
/// each case truncates it, flips bytes, rewrites the safetensors header length, or edits a header or config.json field
/// to a hostile value, then reads it. A reader may accept a harmless edit; otherwise only named errors may come out
/// (<see cref="InvalidDataException"/>, <see cref="ArgumentException"/>, <see cref="IOException"/>,
/// <see cref="NotSupportedException"/>, each with a message): never a NullReference, IndexOutOfRange, OutOfMemory,
/// Overflow or JSON exception, and never a hang. A failure prints the seed that replays it.
/// </summary>
public sealed class CheckpointFuzzTests : IDisposable
{
    private static readonly string[] s_hostile =
    [
        "null", "0", "-1", "1", "3", "2147483647", "2147483648", "-2147483649", "9007199254740993", "1e300", "-1e300", "1.5",
        "\"NaN\"", "\"Infinity\"", "\"\"", "\"x\"", "true", "[]", "{}", "[0]", "[1,2,3]", "[-1]", "[2147483647,2147483647]",
        "[0,18446744073709551615]", "[100000,100000]", "[46341,46341]", "{\"a\":null}", "\"F16\"", "\"F64\"", "[[[[[[[[1]]]]]]]]",
    ];

    private readonly string _corpus = TempDirectory();
    private readonly string _work = TempDirectory();
    private readonly byte[] _model;
    private readonly byte[] _config;
    private readonly ITestOutputHelper _output;

    public CheckpointFuzzTests(ITestOutputHelper output)
    {
        _output = output;
        var agent = PpoCartPole();
        agent.Learn(32);
        Checkpoint.Save(agent, _corpus);
        _model = File.ReadAllBytes(Path.Combine(_corpus, Checkpoint.ModelFileName));
        _config = File.ReadAllBytes(Path.Combine(_corpus, Checkpoint.ConfigFileName));
    }

    public void Dispose()
    {
        CheckpointTestKit.Dispose(_corpus);
        CheckpointTestKit.Dispose(_work);
    }

    [Fact]
    public void SafetensorsReader_MutatedCorpus_OnlyNamedErrors()
    {
        string path = Path.Combine(_work, "fuzz.safetensors");
        const int cases = 3000;
        var clock = Stopwatch.StartNew();
        SeededProperty.Check(seed =>
        {
            var rng = new Random(seed);
            byte[] bytes = MutateSafetensors(_model, rng);
            Guarded(() => Safetensors.Deserialize(bytes));
            if (seed % 4 == 0)
            {
                // The file path streams through the bounded reader.
                File.WriteAllBytes(path, bytes);
                Guarded(() => Safetensors.Load(path));
            }
        }, cases);
        _output.WriteLine($"{cases} safetensors cases in {clock.Elapsed.TotalSeconds:F2} s ({cases / clock.Elapsed.TotalSeconds:N0}/s)");
    }

    [Fact]
    public void CheckpointReaders_MutatedConfigAndModel_OnlyNamedErrors()
    {
        const int cases = 1000;
        var clock = Stopwatch.StartNew();
        SeededProperty.Check(seed =>
        {
            var rng = new Random(seed);
            byte[] config = _config, model = _model;
            switch (rng.Next(4))
            {
                case 0: config = MutateBytes(_config, rng); break;
                case 1: config = MutateJson(_config, rng); break;
                case 2: config = MutateJson(MutateJson(_config, rng), rng); break;
                default: model = MutateSafetensors(_model, rng); break;
            }

            File.WriteAllBytes(Path.Combine(_work, Checkpoint.ConfigFileName), config);
            File.WriteAllBytes(Path.Combine(_work, Checkpoint.ModelFileName), model);
            Guarded(() => TrainedPolicy.Load(_work));
            Guarded(() => Checkpoint.Resume(_work));
        }, cases);
        _output.WriteLine($"{cases} checkpoint cases (load + resume) in {clock.Elapsed.TotalSeconds:F2} s ({cases / clock.Elapsed.TotalSeconds:N0}/s)");
    }

    /// <summary>Runs a reader with a deadline; fails on any exception that is not a named input error.</summary>
    private static void Guarded(Func<object> read)
    {
        var task = Task.Run(() =>
        {
            try
            {
                read();
                return null;
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or NotSupportedException && e is not ArgumentNullException)
            {
                return string.IsNullOrWhiteSpace(e.Message) ? $"{e.GetType().Name} without a message" : null;
            }
            catch (Exception e)
            {
                return $"unexpected {e.GetType().Name}: {e.Message}\n{e.StackTrace}";
            }
        });
        Assert.True(task.Wait(TimeSpan.FromSeconds(10)), "the reader hung");
        Assert.True(task.Result is null, task.Result);
    }

    private static byte[] MutateSafetensors(byte[] model, Random rng)
    {
        switch (rng.Next(5))
        {
            case 0: return model[..rng.Next(model.Length)];
            case 1: return MutateBytes(model, rng);
            case 2:
            {
                var bytes = (byte[])model.Clone();
                ulong length = rng.Next(3) switch { 0 => (ulong)rng.NextInt64(), 1 => (ulong)rng.Next(model.Length + 16), _ => ulong.MaxValue - (ulong)rng.Next(8) };
                BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), length);
                return bytes;
            }

            default:
            {
                // Edit one field of the header JSON, then rewrite the length prefix (correctly, or off by a little).
                int n = (int)BitConverter.ToUInt64(model, 0);
                var header = JsonNode.Parse(model.AsSpan(8, n))!.AsObject();
                var names = header.Select(kv => kv.Key).ToList();
                var entry = header[names[rng.Next(names.Count)]]!.AsObject();
                var fields = entry.Select(kv => kv.Key).ToList();
                string field = rng.Next(6) == 0 ? "extra" : fields[rng.Next(fields.Count)];
                if (rng.Next(8) == 0)
                {
                    entry.Remove(field);
                }
                else
                {
                    entry[field] = JsonNode.Parse(s_hostile[rng.Next(s_hostile.Length)]);
                }

                byte[] text = Encoding.UTF8.GetBytes(header.ToJsonString());
                byte[] data = model[(8 + n)..];
                var result = new byte[8 + text.Length + data.Length];
                BitConverter.TryWriteBytes(result.AsSpan(0, 8), (ulong)(text.Length + (rng.Next(4) == 0 ? rng.Next(-3, 4) : 0)));
                text.CopyTo(result, 8);
                data.CopyTo(result, 8 + text.Length);
                return result;
            }
        }
    }

    private static byte[] MutateBytes(byte[] source, Random rng)
    {
        if (rng.Next(3) == 0)
        {
            return source[..rng.Next(source.Length)];
        }

        var bytes = (byte[])source.Clone();
        int flips = 1 + rng.Next(8);
        for (int i = 0; i < flips; i++)
        {
            bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
        }

        return bytes;
    }

    /// <summary>Replaces (or removes) one value anywhere in the config's JSON tree with a hostile one.</summary>
    private static byte[] MutateJson(byte[] config, Random rng)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(config, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException)
        {
            return config;
        }

        if (root is null)
        {
            // a document that is just null (an earlier mutation replaced the whole tree): nothing left to mutate
            return config;
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[rng.Next(nodes.Count)];
        var replacement = JsonNode.Parse(s_hostile[rng.Next(s_hostile.Length)]);
        switch (target.Parent)
        {
            case JsonObject parent:
                string key = target.GetPropertyName();
                if (rng.Next(6) == 0)
                {
                    parent.Remove(key);
                }
                else
                {
                    parent[key] = replacement;
                }

                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
            default:
                root = replacement;
                break;
        }

        return Encoding.UTF8.GetBytes(root?.ToJsonString() ?? "null");
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }
}
