using FsCheck;
using FsCheck.Fluent;

namespace Tensorless.Rl.Tests;

/// <summary>
/// Property runner for plain [Fact]s (FsCheck.Xunit is not available): FsCheck draws an integer seed per case, the
/// body builds its random data from that seed, and a failure names the seed so the case replays with
/// <c>body(seed)</c>.
/// </summary>
internal static class SeededProperty
{
    public static void Check(Action<int> body, int cases = 100)
    {
        Property property = Prop.ForAll(
            Arb.From(Gen.Choose(0, int.MaxValue), _ => Enumerable.Empty<int>()),
            seed =>
            {
                try
                {
                    body(seed);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"Property failed; replay seed: {seed}. {e.Message}", e);
                }
            });
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), property);
    }
}
