using BenchmarkDotNet.Running;

namespace Tensorless.Bench;

/// <summary>Runs the BenchmarkDotNet suites: <c>dotnet run -c Release --project bench/Tensorless.Bench -- --filter '*'</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
