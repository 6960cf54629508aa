using FsCheck;
using FsCheck.Fluent;

namespace Tensorless.Tests;

/// <summary>
/// Property runner for plain [Fact]s whose cases need a custom generator (shapes in a range, a seed beside them);
/// a property over plain random arguments uses FsCheck.Xunit's <c>[Property]</c> instead. Every failure names the case
/// to replay (STYLE.md rule 7): <see cref="Check"/> the seed, so <c>body(seed)</c> replays it; <see cref="ForAll{T}"/>
/// the generated value, next to FsCheck's own report of its random state. Cases are not shrunk: a seed or a shape
/// drawn with its seed means nothing once shrunk on its own.
/// </summary>
internal static class SeededProperty
{
    /// <summary>Random cases per property unless the caller asks for another count.</summary>
    public const int DefaultCases = 100;

    /// <summary>Runs <paramref name="body"/> on <paramref name="cases"/> seeds drawn from [0, int.MaxValue]; the body builds its random data from the seed.</summary>
    public static void Check(Action<int> body, int cases = DefaultCases) =>
        Run(Gen.Choose(0, int.MaxValue), body, cases, seed => $"replay seed: {seed}");

    /// <summary>Runs <paramref name="property"/> on <paramref name="cases"/> values drawn from <paramref name="gen"/>.</summary>
    public static void ForAll<T>(Gen<T> gen, Action<T> property, int cases = DefaultCases) =>
        Run(gen, property, cases, value => $"case: {value}");

    private static void Run<T>(Gen<T> gen, Action<T> body, int cases, Func<T, string> describe)
    {
        Property property = Prop.ForAll(
            Arb.From(gen, _ => Enumerable.Empty<T>()),
            (T value) =>
            {
                try
                {
                    body(value);
                }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"Property failed; {describe(value)}. {e.Message}", e);
                }
            });
        global::FsCheck.Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), property);
    }
}
