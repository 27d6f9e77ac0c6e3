using System.Runtime.InteropServices;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Qemu.Tests.Reference;

namespace ImageLock.Qemu.Tests.Acquisitions;

/// <summary>
/// Every kind of conflict QEMU can report, met by qemu-io 7.2 and by the engine asking for qemu-io's own grant against
/// the same holder: the engine's first lines are QEMU's message exactly (after qemu-io's "can't open device PATH: "
/// prefix); whatever the engine adds (holders, notes) stands on lines of its own. QEMU never unshares consistent read
/// nor asks for write unchanged on an image it opens, so those two forms have no qemu-io counterpart.
/// </summary>
public sealed class ConflictMessageTests
{
    /// <summary>Holder (a lease's grant, or "wrlck N": a raw F_OFD_SETLK F_WRLCK on byte N), format, qemu-io mode,
    /// and the grant qemu-io asks for in that mode (measured, see the roles table).</summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "unshare=read", "raw", "-r", "perm=read" },                                        // Failed to get "consistent read" lock
        { "unshare=write", "raw", "rw", "perm=read,write" },                                 // Failed to get "write" lock
        { "unshare=resize", "qcow2", "rw", "perm=read,write,resize unshare=write,resize" },  // Failed to get "resize" lock
        { "perm=write", "qcow2", "-r", "perm=read unshare=write,resize" },                   // Failed to get shared "write" lock
        { "perm=resize", "qcow2", "-r", "perm=read unshare=write,resize" },                  // Failed to get shared "resize" lock
        { "wrlck 100", "raw", "-r", "perm=read" },                                           // Failed to lock byte 100
        { "wrlck 201", "qcow2", "-r", "perm=read unshare=write,resize" },                    // Failed to lock byte 201
        { "wrlck 203", "qcow2", "rw", "perm=read,write,resize unshare=write,resize" },       // Failed to lock byte 203
    };

    [QemuTheory, MemberData(nameof(Cases))]
    public void First_lines_are_qemu_ios_and_additions_stand_on_their_own(string holder, string format, string mode, string qemuGrant)
    {
        using var dir = new TempDir();
        var image = dir.CreateImage("c." + format, format, "1M");
        using var held = Hold(image, holder);

        var qemu = QemuCommand.Run("qemu-io", [.. (mode == "-r" ? new[] { "-r" } : []), "-f", format, "-c", "quit", image]);
        Assert.False(qemu.Ok, $"qemu-io should be refused by {holder}: {qemu.Stdout}");
        string prefix = $"qemu-io: can't open device {image}: ";
        Assert.StartsWith(prefix, qemu.Stderr);
        var qemuLines = qemu.Stderr[prefix.Length..].TrimEnd('\n').Split('\n');

        var grant = Grant.Parse(qemuGrant);
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image, grant.Perm, grant.Unshare,
            new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }));
        var ours = e.Message.Split('\n');

        Assert.Equal(qemuLines, ours.Take(qemuLines.Length));
        Assert.Equal(qemuLines[0], e.QemuMessage);
        var additions = ours.Skip(qemuLines.Length).ToList();
        // The holder is this process, named on a line of its own; nothing else is glued to QEMU's lines.
        Assert.Contains(additions, l => l.StartsWith($"held by pid {Environment.ProcessId} fd {held.Fd}", StringComparison.Ordinal));
        Assert.All(additions, l => Assert.True(l.StartsWith("held by pid ", StringComparison.Ordinal)
            || l.StartsWith("Someone holds a write lock on byte ", StringComparison.Ordinal), $"unexpected line [{l}] in:\n{e.Message}"));
        if (holder.StartsWith("wrlck", StringComparison.Ordinal)) Assert.Null(e.Hint); // QEMU prints none after "Failed to lock byte"
        else Assert.Equal(qemuLines[1], e.Hint);
    }

    /// <summary>The holder: a lease, or a raw write lock as a tool outside the protocol would take it.</summary>
    private static Holder Hold(string image, string holder)
    {
        if (!holder.StartsWith("wrlck ", StringComparison.Ordinal))
        {
            var grant = Grant.Parse(holder);
            var lease = ImageLease.Acquire(image, grant.Perm, grant.Unshare);
            return new Holder((int)lease.Access.Handle.DangerousGetHandle(), lease.Dispose);
        }
        int fd = WriteLock.Take(image, long.Parse(holder["wrlck ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        return new Holder(fd, () => WriteLock.Close(fd));
    }

    private sealed record Holder(int Fd, Action Release) : IDisposable
    {
        public void Dispose() => Release();
    }

    private static unsafe class WriteLock
    {
        [StructLayout(LayoutKind.Explicit, Size = 32)]
        private struct Flock
        {
            [FieldOffset(0)] public short Type;
            [FieldOffset(8)] public long Start;
            [FieldOffset(16)] public long Len;
        }

        [DllImport("libc", SetLastError = true)] private static extern int open(string path, int flags);
        [DllImport("libc", SetLastError = true)] private static extern int fcntl(int fd, int cmd, Flock* fl);
        [DllImport("libc", EntryPoint = "close")] public static extern int Close(int fd);

        public static int Take(string path, long lockByte)
        {
            int fd = open(path, 2 | 0x80000 /* O_RDWR | O_CLOEXEC */);
            Assert.True(fd >= 0, $"open {path}: errno {Marshal.GetLastPInvokeError()}");
            var fl = new Flock { Type = 1 /* F_WRLCK */, Start = lockByte, Len = 1 };
            if (fcntl(fd, 37 /* F_OFD_SETLK */, &fl) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                Close(fd);
                Assert.Fail($"F_OFD_SETLK F_WRLCK {lockByte}: errno {errno}");
            }
            return fd;
        }
    }
}
