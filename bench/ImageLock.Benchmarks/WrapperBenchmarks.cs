using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 3: the generated <c>string imagePath</c> overload against the same code written by hand with
/// <c>using var lease = ImageLease.Acquire(...)</c>. Goal: ratio ≈ 1.00 for sync and async bodies.
/// </summary>
[Config(typeof(BenchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class WrapperBenchmarks
{
    private TempImages _images = null!;
    private string _path = null!;

    [GlobalSetup]
    public void Setup()
    {
        _images = new TempImages(1);
        _path = _images.Paths[0];
    }

    [GlobalCleanup]
    public void Cleanup() => _images.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("sync")]
    public int HandWritten()
    {
        using var lease = ImageLease.Acquire(_path, Perm.Read, Unshare.Write | Unshare.Resize);
        return WrappedBodies.FirstByte(lease.Access);
    }

    [Benchmark, BenchmarkCategory("sync")]
    public int Generated() => WrappedBodies.FirstByte(_path);

    [Benchmark(Baseline = true), BenchmarkCategory("async")]
    public async Task<int> HandWrittenAsync()
    {
        await using var lease = await ImageLease.AcquireAsync(_path, Perm.Read, Unshare.Write | Unshare.Resize).ConfigureAwait(false);
        return await WrappedBodies.FirstByteAsync(lease.Access).ConfigureAwait(false);
    }

    [Benchmark, BenchmarkCategory("async")]
    public Task<int> GeneratedAsync() => WrappedBodies.FirstByteAsync(_path);
}
