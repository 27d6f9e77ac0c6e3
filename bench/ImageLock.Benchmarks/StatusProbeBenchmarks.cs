using BenchmarkDotNet.Attributes;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 7: ImageStatus.Probe over 1 and 1,000 images, free or each held (qcow2 read-write grant). A held byte
/// makes Probe name the holders by scanning /proc/*/fdinfo. The holders live in this process: the scan's cost is
/// the number of descriptors under /proc, which is the same whichever process holds them. <see cref="ProbeBatched"/>
/// names the holders of all images in one pass (ImageStatus.IdentifyHolders), as <c>imagelock status</c> does.
/// </summary>
[Config(typeof(BenchConfig))]
public class StatusProbeBenchmarks
{
    private TempImages _images = null!;
    private readonly List<ImageLease> _holders = [];

    [ParamsSource(nameof(Counts))]
    public int Images { get; set; }

    public static IEnumerable<int> Counts => Smoke.Sizes([1, 1000]);

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

    [Benchmark(Baseline = true)]
    public int Probe()
    {
        int held = 0;
        foreach (var path in _images.Paths)
            held += ImageStatus.Probe(path).Holders.Count;
        return held;
    }

    /// <summary>What <c>imagelock status</c> does for several images: probe the bytes of each, then name the holders of
    /// all of them with one pass over /proc.</summary>
    [Benchmark]
    public int ProbeBatched()
    {
        var statuses = _images.Paths.Select(path => ImageStatus.Probe(path, identifyHolders: false)).ToList();
        return ImageStatus.IdentifyHolders(statuses).Sum(s => s.Holders.Count);
    }
}
