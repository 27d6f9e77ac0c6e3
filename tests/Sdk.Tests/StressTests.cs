using System.Diagnostics;
using System.Globalization;
using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Several processes, thousands of random acquisitions on one image: the protocol's safety argument (everyone
/// publishes before checking) means two conflicting grants are never held at the same time, even when both may fail.</summary>
public sealed class StressTests
{
    private const int Workers = 4;
    private const int IterationsPerWorker = 1000;

    private sealed record Section(int Worker, long Start, long End, Perm Perm, Unshare Unshare);

    [Fact]
    public void Conflicting_critical_sections_never_overlap_across_processes()
    {
        using var image = new TempImage();
        var children = new List<ChildProcess>();
        var files = Enumerable.Range(0, Workers).Select(i => image.Sibling($"worker{i}.log")).ToList();
        try
        {
            for (int i = 0; i < Workers; i++)
                children.Add(DotnetApp.Start("ImageLock.StressWorker",
                    [image.Path, IterationsPerWorker.ToString(CultureInfo.InvariantCulture), files[i], (1000 + i).ToString(CultureInfo.InvariantCulture)]));
            foreach (var c in children)
                Assert.True(Poll.Until(() => c.StdOut.Contains("ready") || c.HasExited, TimeSpan.FromMinutes(2)), c.ToString()); // hang guards only
            foreach (var c in children) c.WriteLine("go");
            foreach (var c in children)
            {
                Assert.True(c.WaitForExit(TimeSpan.FromMinutes(10)), $"worker did not finish: {c}");
                Assert.True(c.ExitCode == 0, c.ToString());
            }
        }
        finally
        {
            foreach (var c in children) c.Dispose(); // SIGKILLs a worker still running, by its own PID
        }

        var sections = new List<Section>();
        var stderr = children.Select(c => c.StdErr).ToList();
        for (int w = 0; w < Workers; w++)
        {
            var lines = File.ReadAllLines(files[w]);
            var summary = lines.Last();
            Assert.StartsWith("# acquired=", summary);
            var fields = summary[2..].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => int.Parse(kv[1], CultureInfo.InvariantCulture));
            Assert.True(fields["leaked-fds"] == 0, $"worker {w} left descriptors open:\n{stderr[w]}");
            Assert.Equal(0, fields["image-fds"]);
            Assert.Equal(IterationsPerWorker, fields["acquired"] + fields["refused"]);
            foreach (var line in lines.SkipLast(1))
            {
                var f = line.Split(' ');
                sections.Add(new Section(w, long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
                    (Perm)int.Parse(f[2], CultureInfo.InvariantCulture), (Unshare)int.Parse(f[3], CultureInfo.InvariantCulture)));
            }
        }

        // Sweep by start time: every section overlapping another worker's section must be compatible with it.
        int overlaps = 0;
        var active = new List<Section>();
        foreach (var s in sections.OrderBy(s => s.Start))
        {
            active.RemoveAll(a => a.End < s.Start);
            foreach (var a in active.Where(a => a.Worker != s.Worker))
            {
                overlaps++;
                bool conflict = ((int)a.Perm & (int)s.Unshare) != 0 || ((int)a.Unshare & (int)s.Perm) != 0;
                Assert.False(conflict, $"worker {a.Worker} held {a.Perm}/{a.Unshare} while worker {s.Worker} held {s.Perm}/{s.Unshare} " +
                    $"[{a.Start}..{a.End}] vs [{s.Start}..{s.End}]");
            }
            active.Add(s);
        }
        // The run must actually have exercised concurrency, or it proves nothing.
        Assert.True(sections.Count > Workers * IterationsPerWorker / 20, $"only {sections.Count} acquisitions succeeded");
        Assert.True(overlaps > 0, $"no two workers ever held the image at the same time ({sections.Count} sections)");

        LeaseFacts.AssertFree(image.Path);
        Assert.Empty(ProcFd.On(image.Path));
    }
}
