using System.Runtime.InteropServices;

/// <summary>
/// Holds this process's memory-map lock (mmap_lock) the way a process stuck on a dead filesystem does, so that reading
/// its /proc/PID/cmdline blocks as ps(1) does: a file of a FUSE mount whose daemon does not answer reads is mapped, a
/// thread reads that mapping through /proc/self/mem (the kernel's access_remote_vm faults the page in with mmap_lock held
/// for read and cannot drop it while it waits, as an ordinary page fault would: measured on Linux 6.18, with the thread
/// stuck in a plain load from the mapping this process's mmap still returned and nothing blocked), and once stdin says "queue" the main
/// thread maps memory, which queues for mmap_lock for write: from then on every reader of the lock, such as a read of
/// this process's command line, waits behind it until the daemon answers. Prints "mapped" and "reading" as it goes.
/// </summary>
internal static unsafe class StuckMap
{
    public static int Run(string fuseFile)
    {
        int fd = open(fuseFile, 0 /* O_RDONLY */);
        if (fd < 0) { Console.Error.WriteLine($"cannot open {fuseFile}: errno {Marshal.GetLastPInvokeError()}"); return 2; }
        nint map = mmap(0, 4096, 1 /* PROT_READ */, 2 /* MAP_PRIVATE */, fd, 0);
        if (map == -1) { Console.Error.WriteLine($"cannot map {fuseFile}: errno {Marshal.GetLastPInvokeError()}"); return 2; }
        int mem = open("/proc/self/mem", 0);
        if (mem < 0) { Console.Error.WriteLine($"cannot open /proc/self/mem: errno {Marshal.GetLastPInvokeError()}"); return 2; }
        Console.WriteLine("mapped");
        new Thread(() =>
        {
            byte b;
            pread(mem, &b, 1, map); // blocks in the FUSE read with mmap_lock held
        }) { IsBackground = true, Name = "faults on FUSE" }.Start();
        Console.WriteLine("reading");
        if (Console.ReadLine() != "queue") return 0;
        mmap(0, 4096, 3 /* PROT_READ|PROT_WRITE */, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0); // waits for write
        Console.In.ReadToEnd();
        return 0;
    }

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, long offset);
    [DllImport("libc", SetLastError = true)] private static extern nint pread(int fd, byte* buffer, nuint count, long offset);
}
