using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ImageLock.Benchmarks;

/// <summary>
/// IMAGELOCK_BENCH_SMOKE=1: the tests run every command of docs/benchmarks.md "How to rerun" as written, and this makes
/// each do the least work that still goes through every code path (1 sample, the smallest size, no warm-up round of
/// builds, BenchmarkDotNet's dry job in process), so they check that the modes run and print their tables without
/// spending CI's minutes on timings; the numbers mean nothing. The only place the switch is read (and bench/startup.sh).
/// </summary>
public static class Smoke
{
    public static bool On => Environment.GetEnvironmentVariable("IMAGELOCK_BENCH_SMOKE") == "1";

    /// <summary>Samples (or repeats) per row: 1 under smoke.</summary>
    public static int Samples(int asked) => On ? 1 : asked;

    /// <summary>Sizes (methods per compilation, descriptors in a crowd): one small size under smoke.</summary>
    public static int[] Sizes(int[] asked) => On ? [Math.Min(10, asked.Min())] : asked;

    public static int Size(int asked) => On ? Math.Min(10, asked) : asked;

    /// <summary>Rounds run before the counted ones (to warm the compiler server): none under smoke.</summary>
    public static int Warmups(int asked) => On ? 0 : asked;

    /// <summary>A CPU-measuring window: a tenth of a second under smoke (long enough to see one probe).</summary>
    public static TimeSpan Window(TimeSpan asked) => On ? TimeSpan.FromMilliseconds(100) : asked;

    /// <summary>BenchmarkDotNet's job: one cold iteration, in process (nothing is built), under smoke.</summary>
    public static Job Job(Job measured) => On ? BenchmarkDotNet.Jobs.Job.Dry.WithToolchain(InProcessEmitToolchain.Instance).WithId("Smoke") : measured;
}
