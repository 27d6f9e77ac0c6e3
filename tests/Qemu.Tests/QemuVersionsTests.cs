using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests;

/// <summary>Each QEMU version really is that version, and the process a fixture starts is QEMU itself: its PID holds
/// the locks, has no wrapper left between us and it, and dies by that PID.</summary>
public sealed class QemuVersionsTests
{
    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void Every_tool_reports_its_version(string version)
    {
        foreach (var tool in QemuTools.Required)
        {
            var r = QemuCommand.RunIn(version, tool, "--version").EnsureSuccess();
            string first = r.Stdout.Split('\n')[0];
            Assert.Matches($@"(^|/){tool} |^QEMU emulator ", first); // qemu-nbd prints its own path
            Assert.Matches($@" {System.Text.RegularExpressions.Regex.Escape(version)}\.\d+ \(", first);
        }
    }

    [QemuTheory, MemberData(nameof(QemuVersions.Each), MemberType = typeof(QemuVersions))]
    public void The_started_pid_is_qemus_own_and_holds_its_locks(string version)
    {
        using var dir = new TempDir();
        using var holder = QemuIo.Start("qemu-io (rw)", "raw", dir, version: version);
        int pid = holder.Process.Pid;
        Assert.Equal("qemu-io", File.ReadAllText($"/proc/{pid}/comm").Trim());
        Assert.Contains($"PPid:\t{Environment.ProcessId}\n", File.ReadAllText($"/proc/{pid}/status"), StringComparison.Ordinal);
        Assert.Equal("100,101", ProcLocks.ByteList(ProcLocks.Of(pid, holder.Image))); // same inode, same kernel locks
        var status = ImageStatus.Probe(holder.Image);
        Assert.Contains(status.Holders, h => h.Pid == pid);

        holder.Process.KillHard();
        Assert.True(ImageStatus.Probe(holder.Image).IsFree, "SIGKILL to that PID released QEMU's locks");
    }

    [Fact]
    public void Missing_version_skips_naming_the_install_script()
    {
        Assert.Equal("QEMU 5.2 not installed (x): run `.ci/qemu-versions.sh` as root (installs them under /var/cache/imagelock-qemu)",
            QemuVersions.SkipReason("5.2", "QEMU 5.2 not installed (x)", required: false));
        Assert.Null(QemuVersions.SkipReason("5.2", "QEMU 5.2 not installed (x)", required: true));
        Assert.Null(QemuVersions.SkipReason("10.0", null, required: false));
        Assert.Throws<ArgumentException>(() => QemuVersions.Missing("6.2"));
    }
}
