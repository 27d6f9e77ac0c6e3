using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ImageLock.Qemu.Tests.Fixtures;
using ImageLock.Tests.Support;

namespace ImageLock.Qemu.Tests.Commands;

/// <summary>
/// Naming holders never waits for another process's descriptor of a filesystem that does not answer (a dead NFS
/// server, a hung FUSE daemon): while a process keeps a descriptor open on a FUSE file whose stat never returns, a
/// conflict with a running qemu-io is refused and names it, <c>ImageStatus.Probe</c> and <c>imagelock status</c> (of the
/// image, and of the whole host) name it, and none of them sent that daemon a single stat.
/// </summary>
public sealed class StuckFilesystemTests
{
    [RootQemuFact]
    public void A_descriptor_on_a_filesystem_that_never_answers_stat_does_not_keep_holders_from_being_named()
    {
        using var dir = new TempDir();
        using var qemu = QemuIo.Start("qemu-io (rw)", "qcow2", dir);
        using var fuse = new StuckFuse();
        var stuck = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", "exec sleep 600 3<\"$1\"", "bash", fuse.File } })!;
        try
        {
            while (ReadLink($"/proc/{stuck.Id}/fd/3") != fuse.File)
            {
                Assert.False(stuck.HasExited, $"bash could not open {fuse.File}");
                Thread.Sleep(20);
            }
            // The trap is real: stat of that descriptor goes to the daemon, which answers nobody but this test (EIO).
            Assert.Equal(-1, stat($"/proc/{stuck.Id}/fd/3", new byte[256]));
            Assert.Equal(5 /* EIO */, Marshal.GetLastPInvokeError());
            Assert.Equal([Environment.ProcessId], fuse.StatsFromUs);
            fuse.ForgetStats();

            var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(qemu.Image, Perm.Write, Unshare.None,
                new ImageLockOptions { HolderScanBudget = Timeout.InfiniteTimeSpan }));
            Assert.Equal("Failed to get \"write\" lock", e.QemuMessage);
            Assert.Equal(qemu.Process.Pid, Assert.Single(e.Holders).Pid);
            Assert.True(e.HoldersComplete, e.Message);

            var status = ImageStatus.Probe(qemu.Image);
            Assert.Equal(qemu.Process.Pid, Assert.Single(status.Holders).Pid);

            foreach (var args in new[] { new[] { "status", "--json", qemu.Image }, ["status", "--json"] }) // the image; the host
            {
                var run = ImagelockCli.Run(args);
                Assert.True(run.Ok, run.Stderr + run.Stdout);
                using var doc = JsonDocument.Parse(run.Stdout);
                var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray(), i => JsonPaths.Is(i, qemu.Image));
                Assert.Equal(qemu.Process.Pid, Assert.Single(entry.GetProperty("holders").EnumerateArray()).GetProperty("pid").GetInt32());
            }

            Assert.Empty(fuse.StatsFromUs); // neither this process nor the imagelock CLI it ran stat'ed the stuck descriptor
        }
        finally
        {
            if (!stuck.HasExited) kill(stuck.Id, 9); // only the sleep this test started
            stuck.WaitForExit();
            stuck.Dispose();
        }
    }

    private static string? ReadLink(string path)
    {
        var target = new byte[4096];
        long n = readlink(path, target, target.Length);
        return n < 0 ? null : Encoding.UTF8.GetString(target, 0, (int)n);
    }

    [DllImport("libc", SetLastError = true)] private static extern int stat(string path, byte[] buffer);
    [DllImport("libc", SetLastError = true)] private static extern long readlink(string path, byte[] buffer, long size);
    [DllImport("libc", SetLastError = true)] private static extern int kill(int pid, int signal);
}
