using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace ImageLock.Benchmarks;

/// <summary>
/// Short runs: the build machines have two cores shared with other builds, so a class must finish in minutes.
/// Min/median/max are shown because the issue reports every figure that way. In-process: the default toolchain
/// rebuilds the whole solution from the working tree for every run, which on a shared tree picks up other people's
/// half-done edits and costs minutes of the two cores; the in-process toolchain measures the binaries just built.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        AddJob(Smoke.Job(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(10)
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId("Short10")));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.Max);
        SummaryStyle = SummaryStyle.Default.WithRatioStyle(RatioStyle.Value);
    }
}
