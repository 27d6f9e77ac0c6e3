using static Tmds.Linux.LibC;

namespace ImageLock.Benchmarks;

/// <summary>
/// One acquire + release between two marker syscalls, so `strace -f -e trace=fcntl,faccessat` output can be cut to
/// exactly the engine's calls (bench/strace-crosscheck.sh) and checked against the seam's count.
/// </summary>
internal static unsafe class StraceCycle
{
    public static int Run(string perm, string unshare)
    {
        using var images = new TempImages(1);
        var (p, u) = ((Perm)PermNames.ParseList(perm), (Unshare)PermNames.ParseList(unshare));
        ImageLease.Acquire(images.Paths[0], p, u).Dispose(); // warm-up: the OFD probe and JIT stay outside the markers
        Marker("/imagelock-bench-acquire");
        var lease = ImageLease.Acquire(images.Paths[0], p, u);
        Marker("/imagelock-bench-release");
        lease.Dispose();
        Marker("/imagelock-bench-end");
        return 0;
    }

    private static void Marker(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
        fixed (byte* b = bytes) access(b, F_OK);
    }
}
