using System.Diagnostics;
using System.IO.Enumeration;
using ImageLock.Engine;
using ImageLock.Interop;

namespace ImageLock.Benchmarks;

/// <summary>
/// Benchmark 10b: what the holder scan pays per descriptor of another process, by the calls it could make. A crowd of N
/// descriptors (/dev/null) that holds the image through descriptor N+1 (the worst place for a scan in descriptor order);
/// each way is timed over all of the crowd's descriptors, 7 runs after a warm-up, min and median per descriptor.
/// "stat" is how holders were matched before (it follows the link into the file's filesystem, so it hangs on a dead
/// NFS server or a stuck FUSE daemon); fdinfo and readlink are answered by /proc itself.
/// </summary>
internal static class ScanCost
{
    public static int Run(int descriptors)
    {
        using var images = new TempImages(1);
        var crowd = Crowd.Start(descriptors, images.Paths[0]);
        if (crowd is null)
        {
            Console.WriteLine($"skipped: a crowd of {descriptors:N0} could not open its descriptors (reason above)");
            return 1;
        }
        try
        {
            int pid = crowd.Id;
            var fds = List($"/proc/{pid}/fdinfo");
            Console.WriteLine($"scan cost per descriptor of pid {pid} ({fds.Count:N0} descriptors), load average {File.ReadAllText("/proc/loadavg").Trim()}");
            var buffer = new byte[4096];
            var ways = new (string Name, Func<int> Run)[]
            {
                ("list /proc/PID/fd (getdents)", () => List($"/proc/{pid}/fd").Count),
                ("list /proc/PID/fdinfo (getdents)", () => List($"/proc/{pid}/fdinfo").Count),
                ("stat /proc/PID/fd/N (old match)", () => fds.Count(fd => PathStat.Identity($"/proc/{pid}/fd/{fd}", out _) == 0)),
                ("readlink /proc/PID/fd/N", () => fds.Count(fd => PathStat.ReadLink($"/proc/{pid}/fd/{fd}") is not null)),
                ("fdinfo via File.ReadAllText", () => fds.Count(fd => HolderScan.TryRead($"/proc/{pid}/fdinfo/{fd}") is not null)),
                ("fdinfo via openat/read/close on the dir (new)", () => ReadAll(pid, fds, ref buffer)),
                ("whole ScanProcess of the crowd (new)", () => Scan(pid)),
            };
            foreach (var (name, run) in ways)
            {
                run();
                var us = new double[7];
                for (int i = 0; i < us.Length; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    int n = run();
                    if (n < descriptors) throw new InvalidOperationException($"{name}: {n} of {descriptors}");
                    us[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / fds.Count;
                }
                Array.Sort(us);
                Console.WriteLine($"{name}: {us[0]:0.00} / {us[3]:0.00} us per descriptor (min / median), median {us[3] * fds.Count / 1000:0} ms for all");
            }
            return 0;
        }
        finally
        {
            Crowd.Stop(crowd);
        }
    }

    private static List<int> List(string dir) =>
        [.. new FileSystemEnumerable<int>(dir, (ref FileSystemEntry e) => int.Parse(e.FileName))];

    private static int ReadAll(int pid, List<int> fds, ref byte[] buffer)
    {
        if (Syscalls.OpenDirectory($"/proc/{pid}/fdinfo", out int dir) != 0) throw new InvalidOperationException("no fdinfo");
        try
        {
            int n = 0;
            foreach (int fd in fds) if (Syscalls.ReadFileAt(dir, fd, ref buffer) > 0) n++;
            return n;
        }
        finally
        {
            Syscalls.Close(dir);
        }
    }

    private static int Scan(int pid)
    {
        int holders = 0;
        var outcome = HolderScan.ScanProcess(pid, _ => true, long.MaxValue, int.MaxValue, 0, (_, _, _) => { holders++; return false; });
        if (outcome != HolderScan.ScanOutcome.Done || holders != 1) throw new InvalidOperationException($"scan: {outcome}, {holders} holders");
        return int.MaxValue; // every descriptor was looked at
    }
}
