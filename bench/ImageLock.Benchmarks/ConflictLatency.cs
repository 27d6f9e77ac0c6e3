using System.Diagnostics;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 10: how long a refused no-wait acquisition takes (default options: the 50 ms holder scan budget) while
/// another process holds tens of thousands of descriptors. The conflicting grant (perm read, unshare write) is held by
/// a process of its own, or, the worst case, by the crowd itself through its last descriptor; the refused grant is
/// perm write (byte 201). The issue this answers measured 44 s with 16,000 descriptors open elsewhere. For scale, a
/// full scan that names every holder (ImageStatus.Probe) is timed too. Not a BenchmarkDotNet job: the children and the
/// distribution are the point.
/// </summary>
internal static class ConflictLatency
{
    /// <summary>Descriptors of each crowd process; with <c>HolderInCrowd</c> the first crowd holds the grant itself.
    /// One descriptor table holds fewer than the hard RLIMIT_NOFILE (20,000 here, raised only with CAP_SYS_RESOURCE), so
    /// a crowd of 50,000 is one process of three tables (see <see cref="Crowd"/>); three processes are measured too.</summary>
    private static readonly (string Name, int[] Crowds, bool HolderInCrowd)[] Scenarios =
    [
        ("no crowd", [], false),
        ("16,000 in one process, holder apart", [16_000], false),
        ("50,000 in one process (three tables), holder apart", [50_000], false),
        ("51,000 in three processes, holder apart", [17_000, 17_000, 17_000], false),
        ("50,000 in one process (three tables), holder is that process (behind all of them)", [50_000], true),
        ("19,500 in one process, holder is that process (descriptor 19,501)", [19_500], true),
    ];

    public static int Run(int samples)
    {
        using var images = new TempImages(1);
        string path = images.Paths[0];
        Console.WriteLine($"conflict latency: TryAcquire(perm write) refused by perm read / unshare write, default options, {samples} samples per scenario");
        Console.WriteLine($"{Directory.GetDirectories("/proc").Count(d => char.IsAsciiDigit(Path.GetFileName(d)[0]))} processes, " +
            $"load average {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (var (name, crowds, inCrowd) in Scenarios)
        {
            var children = new List<System.Diagnostics.Process>();
            try
            {
                bool started = true;
                for (int i = 0; i < crowds.Length && started; i++)
                {
                    var crowd = Crowd.Start(crowds[i], inCrowd && i == 0 ? path : null);
                    if (crowd is null) started = false;
                    else children.Add(crowd);
                }
                if (!inCrowd && started) children.Add(Crowd.Start(0, path) ?? throw new InvalidOperationException("no holder"));
                if (!started)
                {
                    Console.WriteLine($"{name}: skipped, a crowd could not open its descriptors (its reason is above; " +
                        "the three-process row stands in for one process of 50,000)");
                    continue;
                }
                int holderPid = (inCrowd ? children[0] : children[^1]).Id;
                for (int i = 0; i < 5; i++) Refuse(path); // JIT, page cache of /proc
                var results = Enumerable.Range(0, samples).Select(_ => Refuse(path)).ToList();
                var ms = results.Select(r => r.Ms).Order().ToArray();
                int named = results.Count(r => r.Conflict.Holders.Any(h => h.Pid == holderPid));
                int outOfTime = results.Count(r => r.Conflict.Message.Contains("Stopped naming holders", StringComparison.Ordinal));
                Console.WriteLine($"{name}: ms min {ms[0]:0.00} p50 {Pct(ms, 0.50):0.00} p99 {Pct(ms, 0.99):0.00} max {ms[^1]:0.00}; " +
                    $"holder named {named}/{samples}, budget ran out {outOfTime}/{samples}");
                var full = Enumerable.Range(0, 3).Select(_ => FullScan(path, holderPid)).Order().ToArray();
                Console.WriteLine($"{name}: full scan (ImageStatus.Probe, every holder) ms min {full[0]:0.0} median {full[1]:0.0} max {full[2]:0.0}");
            }
            finally
            {
                children.ForEach(Crowd.Stop);
            }
        }
        return 0;
    }

    private static (double Ms, ImageLockConflictException Conflict) Refuse(string path)
    {
        long t0 = Stopwatch.GetTimestamp();
        bool ok = ImageLease.TryAcquire(path, Perm.Write, Unshare.None, out var lease, out var conflict);
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (ok)
        {
            lease!.Dispose();
            throw new InvalidOperationException("the holder's unshare write did not refuse perm write");
        }
        return (ms, conflict!);
    }

    private static double FullScan(string path, int holderPid)
    {
        long t0 = Stopwatch.GetTimestamp();
        var status = ImageStatus.Probe(path);
        double ms = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        if (!status.Holders.Any(h => h.Pid == holderPid)) throw new InvalidOperationException("the full scan missed the holder");
        return ms;
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
