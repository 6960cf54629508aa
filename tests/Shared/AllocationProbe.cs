namespace Tensorless.Tests;

/// <summary>
/// Measures what a step allocates once it is warm. The JIT's tier-up (and the first run of re-jitted code) can allocate a
/// few runtime objects on the test thread at a moment that depends on machine load, so the step is run in several windows
/// and the smallest window counts: a real per-step allocation shows up in every window, a one-off tier-up in one.
/// </summary>
internal static class AllocationProbe
{
    /// <summary>Bytes allocated on this thread by <paramref name="windowSteps"/> calls of <paramref name="step"/>, in the quietest of <paramref name="windows"/> windows.</summary>
    public static long SteadyStateBytes(Action step, int warmupSteps = 20, int windows = 5, int windowSteps = 20)
    {
        for (int i = 0; i < warmupSteps; i++)
        {
            step();
        }

        long best = long.MaxValue;
        for (int w = 0; w < windows; w++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < windowSteps; i++)
            {
                step();
            }

            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return best;
    }
}
