using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>
/// A FUSE filesystem whose daemon never answers a stat of its one file, as a dead NFS server or a hung FUSE daemon
/// behaves: this class speaks the /dev/fuse protocol itself (INIT, LOOKUP, OPEN, FLUSH, RELEASE are answered; a
/// GETATTR or STATX of <see cref="File"/> is not, because its attributes never stay valid). So a stat(2) of a
/// descriptor on it (/proc/PID/fd/N follows the link) blocks for good, while readlink(2) and /proc/PID/fdinfo do not
/// reach the daemon at all. A READ of the file is never answered either (a page fault on a mapping of it waits for good;
/// max_readahead is 0, so a fault asks for its page alone). One exception keeps a failing test from hanging: a stat from this test process or its
/// children is recorded in <see cref="StatsFromUs"/> and answered with EIO. Needs root (mount). Disposing closes
/// /dev/fuse (the kernel then fails every pending request with ENOTCONN), and unmounts (lazily) and removes the
/// mount point it created.
/// </summary>
public sealed class StuckFuse : IDisposable
{
    private const ulong FileNode = 2;
    private const string FileName = "stuck.img";
    private readonly int _fuse;
    private readonly Thread _daemon;
    private volatile bool _stopping;
    private readonly List<int> _statsFromUs = [];
    private bool _mounted;

    public StuckFuse()
    {
        MountPoint = Directory.CreateTempSubdirectory("ilq-fuse-").FullName;
        _fuse = open("/dev/fuse", 2 /* O_RDWR */ | 0x80000 /* O_CLOEXEC */);
        if (_fuse < 0) { Directory.Delete(MountPoint); throw new XunitException($"open /dev/fuse: errno {Marshal.GetLastPInvokeError()}"); }
        if (mount("imagelock-stuck", MountPoint, "fuse", 2 | 4 /* MS_NOSUID | MS_NODEV */,
                $"fd={_fuse},rootmode=40000,user_id=0,group_id=0") != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            close(_fuse);
            Directory.Delete(MountPoint);
            throw new XunitException($"mount -t fuse on {MountPoint}: errno {errno}");
        }
        _mounted = true;
        _daemon = new Thread(Serve) { IsBackground = true, Name = "stuck FUSE daemon" };
        _daemon.Start();
    }

    public string MountPoint { get; }

    /// <summary>The file whose stat never returns (for others than this test process and its children).</summary>
    public string File => Path.Combine(MountPoint, FileName);

    /// <summary>Thread-group ids of this process or its children that sent a GETATTR/STATX of <see cref="File"/>.</summary>
    public IReadOnlyList<int> StatsFromUs { get { lock (_statsFromUs) return [.. _statsFromUs]; } }

    public void ForgetStats() { lock (_statsFromUs) _statsFromUs.Clear(); }

    /// <summary>READs of <see cref="File"/> received, none of them answered (from anyone: no reader is a test's own).</summary>
    public int ReadsWaiting => Volatile.Read(ref _readsWaiting);

    private int _readsWaiting;

    private Exception? _failure;

    private void Serve()
    {
        try { Loop(); }
        catch (Exception e) { _failure = e; } // rethrown by Dispose: an exception here would end the test host
    }

    private void Loop()
    {
        var buffer = new byte[1 << 20 | 8192];
        while (!_stopping)
        {
            var poll = new PollFd { Fd = _fuse, Events = 1 /* POLLIN */ };
            if (Poll(ref poll, 1, 100) <= 0) continue;
            long n = read(_fuse, buffer, buffer.Length);
            if (n < 40) { if (n < 0 && Marshal.GetLastPInvokeError() is 19 /* ENODEV: unmounted */) return; continue; }
            var h = buffer.AsSpan(0, (int)n);
            uint opcode = U32(h, 4);
            ulong unique = U64(h, 8), node = U64(h, 16);
            int pid = (int)U32(h, 32);
            var body = h[40..];
            switch (opcode)
            {
                case 26: // INIT: protocol 7.31, no lock requests (the kernel keeps byte-range locks itself)
                    var init = new byte[64];
                    BinaryPrimitives.WriteUInt32LittleEndian(init, 7);
                    BinaryPrimitives.WriteUInt32LittleEndian(init.AsSpan(4), 31);
                    BinaryPrimitives.WriteUInt32LittleEndian(init.AsSpan(20), 4096); // max_write
                    BinaryPrimitives.WriteUInt32LittleEndian(init.AsSpan(24), 1);    // time_gran
                    Reply(unique, 0, init);
                    break;
                case 1: // LOOKUP
                    string name = Encoding.UTF8.GetString(body[..body.IndexOf((byte)0)]);
                    if (node != 1 || name != FileName) { Reply(unique, -2 /* ENOENT */, []); break; }
                    var entry = new byte[128];
                    BinaryPrimitives.WriteUInt64LittleEndian(entry, FileNode);
                    BinaryPrimitives.WriteUInt64LittleEndian(entry.AsSpan(16), 3600); // entry_valid; attr_valid 0: never cached
                    Attr(entry.AsSpan(40), FileNode, 0x81A4 /* S_IFREG | 0644 */, 1 << 20);
                    Reply(unique, 0, entry);
                    break;
                case 3 or 52 when node == FileNode: // GETATTR, STATX of the file: the stuck call
                    if (!FromUs(pid, out int tgid)) break; // never answered
                    lock (_statsFromUs) _statsFromUs.Add(tgid);
                    Reply(unique, -5 /* EIO */, []);
                    break;
                case 15 when node == FileNode: // READ of the file (a page fault on a mapping of it): never answered
                    Interlocked.Increment(ref _readsWaiting);
                    break;
                case 3: // GETATTR of the root
                    var attr = new byte[104];
                    Attr(attr.AsSpan(16), 1, 0x41ED /* S_IFDIR | 0755 */, 0);
                    Reply(unique, 0, attr);
                    break;
                case 14: // OPEN: fh 0, FOPEN_KEEP_CACHE (an open otherwise drops the file's pages and waits on the one
                         // an unanswered READ keeps locked: a second holder could not open the file)
                    var open = new byte[16];
                    BinaryPrimitives.WriteUInt32LittleEndian(open.AsSpan(8), 2);
                    Reply(unique, 0, open);
                    break;
                case 25 or 18: Reply(unique, 0, []); break;      // FLUSH, RELEASE
                case 2 or 36 or 42: break;                       // FORGET, INTERRUPT, BATCH_FORGET: no reply
                default: Reply(unique, -38 /* ENOSYS */, []); break;
            }
        }
    }

    /// <summary>Is the requesting thread in this process or in a child of it?</summary>
    private static bool FromUs(int tid, out int tgid)
    {
        tgid = 0;
        int ppid = 0;
        try
        {
            foreach (var line in System.IO.File.ReadAllLines($"/proc/{tid}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal)) tgid = int.Parse(line[5..]);
                if (line.StartsWith("PPid:", StringComparison.Ordinal)) ppid = int.Parse(line[5..]);
            }
        }
        catch (IOException) { return false; }
        return tgid == Environment.ProcessId || ppid == Environment.ProcessId;
    }

    private static void Attr(Span<byte> a, ulong ino, uint mode, ulong size)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(a, ino);
        BinaryPrimitives.WriteUInt64LittleEndian(a[8..], size);
        BinaryPrimitives.WriteUInt32LittleEndian(a[60..], mode);
        BinaryPrimitives.WriteUInt32LittleEndian(a[64..], 1);    // nlink
        BinaryPrimitives.WriteUInt32LittleEndian(a[80..], 4096); // blksize
    }

    private void Reply(ulong unique, int error, byte[] payload)
    {
        var reply = new byte[16 + (error == 0 ? payload.Length : 0)];
        BinaryPrimitives.WriteUInt32LittleEndian(reply, (uint)reply.Length);
        BinaryPrimitives.WriteInt32LittleEndian(reply.AsSpan(4), error);
        BinaryPrimitives.WriteUInt64LittleEndian(reply.AsSpan(8), unique);
        if (error == 0) payload.CopyTo(reply, 16);
        write(_fuse, reply, reply.Length); // ENOENT: the request was interrupted meanwhile
    }

    private static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    private static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    public void Dispose()
    {
        _stopping = true;
        _daemon.Join();
        close(_fuse); // aborts the connection: pending stats fail with ENOTCONN, descriptors on it stop working
        if (_mounted && umount2(MountPoint, 2 /* MNT_DETACH */) != 0)
            throw new XunitException($"umount -l {MountPoint}: errno {Marshal.GetLastPInvokeError()}");
        _mounted = false;
        Directory.Delete(MountPoint);
        if (_failure is not null) throw new XunitException("the FUSE daemon failed: " + _failure);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd { public int Fd; public short Events; public short Revents; }

    [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern int close(int fd);
    [DllImport("libc", SetLastError = true)] private static extern long read(int fd, byte[] buffer, long count);
    [DllImport("libc", SetLastError = true)] private static extern long write(int fd, byte[] buffer, long count);
    [DllImport("libc", EntryPoint = "poll", SetLastError = true)] private static extern int Poll(ref PollFd fds, ulong count, int timeout);
    [DllImport("libc", SetLastError = true)] private static extern int mount(string source, string target, string type, ulong flags, string data);
    [DllImport("libc", SetLastError = true)] private static extern int umount2(string target, int flags);
}
