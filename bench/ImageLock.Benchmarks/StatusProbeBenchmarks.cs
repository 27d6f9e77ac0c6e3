using BenchmarkDotNet.Attributes;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 7: ImageStatus.Probe over 1 and 1,000 images, free or each held (qcow2 read-write grant). A held byte
/// makes Probe name the holders by scanning /proc/*/fdinfo. The holders live in this process: the scan's cost is
/// the number of descriptors under /proc, which is the same whichever process holds them.
/// </summary>
[Config(typeof(BenchConfig))]
public class StatusProbeBenchmarks
{
    private TempImages _images = null!;
    private readonly List<ImageLease> _holders = [];

    [Params(1, 1000)]
    public int Images { get; set; }

    [Params(false, true)]
    public bool Held { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _images = new TempImages(Images);
        if (Held)
            foreach (var path in _images.Paths)
                _holders.Add(ImageLease.Acquire(path, Perm.Read | Perm.Write | Perm.Resize, Unshare.Write | Unshare.Resize));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _holders.ForEach(h => h.Dispose());
        _images.Dispose();
    }

    [Benchmark]
    public int Probe()
    {
        int held = 0;
        foreach (var path in _images.Paths)
            held += ImageStatus.Probe(path).Holders.Count;
        return held;
    }
}
