using BenchmarkDotNet.Attributes;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 1: one acquire + release cycle of the engine against the hand-written open/fcntl/close floor.
/// Goal: Engine ≤ 1.10× the baseline (one fcntl per run of adjacent bytes, the engine's own strategy).
/// </summary>
[Config(typeof(BenchConfig))]
public class AcquireReleaseBenchmarks
{
    private TempImages _images = null!;
    private string _path = null!;
    private Perm _perm;
    private Unshare _unshare;
    private RawLockSequence _perRun = null!;
    private RawLockSequence _perByte = null!;
    private RawLockSequence _engineSyscalls = null!;

    [Params(Grant.BackupReader, Grant.Qcow2ReadWrite, Grant.Exclusive)]
    public Grant Grant { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _images = new TempImages(1);
        _path = _images.Paths[0];
        (_perm, _unshare) = Grants.Of(Grant);
        _perRun = RawLockSequence.PerRun(_path, _perm, _unshare);
        _perByte = RawLockSequence.PerByte(_path, _perm, _unshare);
        _engineSyscalls = RawLockSequence.PerRun(_path, _perm, _unshare).WithEngineExtras();
        ImageLease.Acquire(_path, _perm, _unshare).Dispose(); // resolve the OFD probe outside the measurement
    }

    [GlobalCleanup]
    public void Cleanup() => _images.Dispose();

    [Benchmark(Baseline = true, Description = "Raw: one fcntl per run")]
    public void RawPerRun() => _perRun.Release(_perRun.Acquire());

    [Benchmark(Description = "Raw: one fcntl per byte (QEMU)")]
    public void RawPerByte() => _perByte.Release(_perByte.Acquire());

    [Benchmark(Description = "Raw: per run, release = close only")]
    public void RawCloseOnly() => RawLockSequence.CloseOnly(_perRun.Acquire());

    [Benchmark(Description = "Raw: per run + engine's fstat, F_GETFL, F_SETFL")]
    public void RawEngineSyscalls() => _engineSyscalls.Release(_engineSyscalls.Acquire());

    [Benchmark(Description = "Engine: ImageLease.Acquire + Dispose")]
    public void Engine() => ImageLease.Acquire(_path, _perm, _unshare).Dispose();
}
