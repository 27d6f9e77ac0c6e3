using BenchmarkDotNet.Running;
using ImageLock.Benchmarks;

// Measurements that are not BenchmarkDotNet timings run as program modes; everything else goes to BenchmarkDotNet.
return args switch
{
    ["--fcntl-table", .. var rest] => FcntlTable.Run(rest.FirstOrDefault()),
    ["--strace-cycle", var perm, var unshare] => StraceCycle.Run(perm, unshare),
    ["--wait-latency", .. var rest] => WaitLatency.Run(Smoke.Samples(rest.Length > 0 ? int.Parse(rest[0]) : 300), Smoke.Samples(5), Smoke.Window(TimeSpan.FromSeconds(3))),
    ["--analyzer-time", .. var rest] => AnalyzerTime.Run(Smoke.Samples(rest.Length > 0 ? int.Parse(rest[0]) : 5),
        Smoke.Sizes(rest.Length > 1 ? [.. rest[1].Split(',').Select(int.Parse)] : [100, 1_000, 10_000])),
    ["--build-time", .. var rest] => BuildTime.Run(Smoke.Samples(rest.Length > 0 ? int.Parse(rest[0]) : 5),
        Smoke.Sizes(rest.Length > 1 ? [.. rest[1].Split(',').Select(int.Parse)] : [1_000, 10_000]), rest.ElementAtOrDefault(2) == "server"),
    ["--csc-cpu", .. var rest] => CscCpu.Run(Smoke.Samples(rest.Length > 0 ? int.Parse(rest[0]) : 5),
        Smoke.Sizes(rest.Length > 1 ? [.. rest[1].Split(',').Select(int.Parse)] : [1_000, 10_000]), rest.ElementAtOrDefault(2) == "serial"),
    ["--generator-steps", .. var rest] => GeneratorSteps.Run(Smoke.Samples(rest.Length > 0 ? int.Parse(rest[0]) : 5),
        Smoke.Sizes(rest.Length > 1 ? [.. rest[1].Split(',').Select(int.Parse)] : [100, 1_000, 10_000]), rest.ElementAtOrDefault(2)),
    ["--conflict-latency", .. var rest] => ConflictLatency.Run(Smoke.Samples(rest.Length > 0 ? int.Parse(rest[0]) : 200)),
    ["--scan-cost", .. var rest] => ScanCost.Run(Smoke.Size(rest.Length > 0 ? int.Parse(rest[0]) : 19_500)),
    ["--crowd", var n, .. var image] => Crowd.Run(int.Parse(n), image.FirstOrDefault()),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(args);
    return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
}
