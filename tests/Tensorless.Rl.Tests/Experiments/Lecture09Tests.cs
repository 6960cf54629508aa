using System.Globalization;
using System.Text.Json.Nodes;
using Tensorless.Rl.Experiments.Lecture09;

namespace Tensorless.Rl.Tests.Experiments;

public sealed class Lecture09Tests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-lecture-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static string Six(JsonNode? node) => node!.GetValue<double>().ToString("F6", CultureInfo.InvariantCulture);

    [Fact]
    public void Exp01_MatchesTheLecture_ObsShape4x4_Rewards1111()
    {
        var json = LectureExperiments.Get("exp01").Run(new ExperimentSettings()).Json;
        Assert.Equal([4, 4], json["obs_shape"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([1.0, 1.0, 1.0, 1.0], json["rewards"]!.AsArray().Select(n => n!.GetValue<double>()));
    }

    [Fact]
    public void Exp03_MatchesThePrintedGradientsExactly()
    {
        var json = LectureExperiments.Get("exp03").Run(new ExperimentSettings()).Json;
        Assert.Equal("0.425557", Six(json["autograd"]));
        Assert.Equal("0.425547", Six(json["finite_difference"]));
        Assert.Equal("0.425557", Six(json["closed_form"]));
    }

    [Fact]
    public void Exp04_MatchesThePrintedParameterCountsExactly()
    {
        var json = LectureExperiments.Get("exp04").Run(new ExperimentSettings()).Json;
        Assert.Equal(17_539, json["total_parameters"]!.GetValue<int>());
        Assert.Equal(258, json["actor_head_parameters"]!.GetValue<int>());
        Assert.Equal(129, json["critic_head_parameters"]!.GetValue<int>());
    }

    [Fact]
    public void Exp05_EstimatorsMatchAHandComputation()
    {
        var (rewards, values) = AdvantageComparison.Synthetic(20, 42);
        var results = AdvantageComparison.Estimate(rewards, values).ToDictionary(r => r.Name, r => r.Advantages);
        const double gamma = AdvantageComparison.Gamma;
        int n = rewards.Length;
        for (int t = 0; t < n; t++)
        {
            // The episode terminates at its last step: V after it is 0.
            double next = t + 1 < n ? values[t + 1] : 0;
            double mc = 0;
            for (int k = n - 1; k >= t; k--)
            {
                mc = rewards[k] + (gamma * mc);
            }

            double threeStep = 0;
            int m = Math.Min(3, n - t);
            for (int k = 0; k < m; k++)
            {
                threeStep += Math.Pow(gamma, k) * rewards[t + k];
            }

            threeStep += t + m < n ? Math.Pow(gamma, m) * values[t + m] : 0;
            double gae = 0;
            for (int k = n - 1; k >= t; k--)
            {
                double delta = rewards[k] + (gamma * (k + 1 < n ? values[k + 1] : 0)) - values[k];
                gae = delta + (gamma * 0.95 * gae);
            }

            Assert.Equal(mc - values[t], results["Monte Carlo"][t], 1e-10);
            Assert.Equal(rewards[t] + (gamma * next) - values[t], results["1-step TD"][t], 1e-10);
            Assert.Equal(threeStep - values[t], results["3-step"][t], 1e-10);
            Assert.Equal(gae, results["GAE lambda=0.95"][t], 1e-10);
            Assert.Equal(results["1-step TD"][t], results["GAE lambda=0"][t], 1e-12);
        }
    }

    [Theory]
    [InlineData("exp02", false)]
    [InlineData("exp05", false)]
    [InlineData("exp06", true)]
    [InlineData("exp07", true)]
    [InlineData("exp08", true)]
    [InlineData("exp09", true)]
    public void TinyBudget_WritesJsonAndPlot(string name, bool plots)
    {
        var report = LectureExperiments.RunAndWrite(name, _dir, new ExperimentSettings { Budget = 2 });
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, name + ".json")))!;
        Assert.Equal(name, json["experiment"]!.GetValue<string>());
        Assert.NotEmpty(report.Lines);
        Assert.Equal(plots || name == "exp02", File.Exists(Path.Combine(_dir, name + ".svg")));
    }

    [Fact]
    public void Get_UnknownName_Throws() => Assert.Throws<ArgumentException>(() => LectureExperiments.Get("exp10"));
}
