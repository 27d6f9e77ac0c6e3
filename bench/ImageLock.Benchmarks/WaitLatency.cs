using System.Diagnostics;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 4: wait mode. A qcow2 read-write holder (perm read,write,resize / unshare write,resize) blocks a
/// backup reader (perm read / unshare write,resize) that waits with <see cref="LockWait.Forever"/>. Measures the
/// time from the holder starting to release to the waiter holding, and the process CPU used while the waiter waits.
/// Goal: p50 under 10 ms, under 1% of a core. Not a BenchmarkDotNet job: the result is a distribution, not a mean.
/// </summary>
internal static class WaitLatency
{
    private const Perm HolderPerm = Perm.Read | Perm.Write | Perm.Resize;
    private const Unshare HolderUnshare = Unshare.Write | Unshare.Resize;
    private const Perm WaiterPerm = Perm.Read;
    private const Unshare WaiterUnshare = Unshare.Write | Unshare.Resize;

    public static int Run(int samples, int cpuRuns, TimeSpan cpuWindow)
    {
        using var images = new TempImages(1);
        string path = images.Paths[0];
        ImageLease.Acquire(path, WaiterPerm, WaiterUnshare).Dispose(); // JIT and OFD probe outside the measurement
        Console.WriteLine($"wait latency: {samples} samples per mode; waiter CPU: {cpuRuns} windows of {cpuWindow.TotalSeconds:0.#} s");
        Console.WriteLine($"idle process CPU (nobody waiting): {Stats(Repeat(cpuRuns, () => CpuShare(path, cpuWindow, null).Cpu), "0.000")} % of a core");
        foreach (var (name, waiter) in Waiters)
        {
            var latencies = Enumerable.Range(0, samples).Select(_ => Latency(path, waiter)).Order().ToArray();
            Console.WriteLine($"{name}: release→held ms min {latencies[0]:0.00} p50 {Pct(latencies, 0.50):0.00} " +
                $"p99 {Pct(latencies, 0.99):0.00} max {latencies[^1]:0.00}");
            var runs = Enumerable.Range(0, cpuRuns).Select(_ => CpuShare(path, cpuWindow, waiter)).ToArray();
            Console.WriteLine($"{name}: CPU while waiting {Stats([.. runs.Select(r => r.Cpu).Order()], "0.000")} % of a core; " +
                $"probes (F_OFD_GETLK calls) per second {Stats([.. runs.Select(r => r.ProbesPerSecond).Order()], "0")}");
        }
        return 0;
    }

    private static readonly (string Name, Func<string, CancellationToken, Task<ImageLease>> Start)[] Waiters =
    [
        ("sync  Acquire", (path, ct) => Task.Factory.StartNew(
            () => ImageLease.Acquire(path, WaiterPerm, WaiterUnshare, LockWait.Forever, ct), TaskCreationOptions.LongRunning)),
        ("async AcquireAsync", (path, ct) =>
            ImageLease.AcquireAsync(path, WaiterPerm, WaiterUnshare, LockWait.Forever, ct).AsTask()),
    ];

    /// <summary>One sample: hold, let the waiter settle into its backoff, release, time until the waiter holds.</summary>
    private static double Latency(string path, Func<string, CancellationToken, Task<ImageLease>> start)
    {
        var holder = ImageLease.Acquire(path, HolderPerm, HolderUnshare);
        long held = 0;
        var waiter = start(path, default).ContinueWith(t => { held = Stopwatch.GetTimestamp(); return t.Result; },
            TaskContinuationOptions.ExecuteSynchronously);
        Thread.Sleep(Random.Shared.Next(5, 30)); // a random phase against the waiter's probe schedule
        long released = Stopwatch.GetTimestamp();
        holder.Dispose();
        waiter.Result.Dispose();
        return Stopwatch.GetElapsedTime(released, held).TotalMilliseconds;
    }

    /// <summary>Process CPU time over wall time while the waiter waits (or while nobody does, for the idle floor).</summary>
    private static (double Cpu, double ProbesPerSecond) CpuShare(string path, TimeSpan window, Func<string, CancellationToken, Task<ImageLease>>? start)
    {
        var holder = ImageLease.Acquire(path, HolderPerm, HolderUnshare);
        using var cts = new CancellationTokenSource();
        var waiter = start?.Invoke(path, cts.Token);
        Thread.Sleep(200); // past the first, shorter backoff steps
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var counter = new FcntlCounter(); // costs a delegate call and a list append per probe
        var cpu0 = process.TotalProcessorTime;
        long t0 = Stopwatch.GetTimestamp();
        Thread.Sleep(window);
        process.Refresh();
        var wall = Stopwatch.GetElapsedTime(t0);
        double share = (process.TotalProcessorTime - cpu0).TotalMilliseconds / wall.TotalMilliseconds;
        int probes = counter.Take().Checks;
        counter.Dispose();
        holder.Dispose();
        waiter?.Result.Dispose(); // the holder left, so the waiter acquires and returns
        return (share * 100, probes / wall.TotalSeconds);
    }

    private static double Pct(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static double[] Repeat(int n, Func<double> f) => Enumerable.Range(0, n).Select(_ => f()).Order().ToArray();

    private static string Stats(double[] sorted, string format) =>
        $"min {sorted[0].ToString(format)} median {sorted[sorted.Length / 2].ToString(format)} max {sorted[^1].ToString(format)}";
}
