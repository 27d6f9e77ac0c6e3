using System.Text.Json;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>Bytes 104/204 (QEMU &lt;= 6.2's graph-mod permission), taken raw by the test on its own descriptor,
/// are reported by <c>status</c>, <c>status --json</c> and <see cref="ImageStatus.Probe"/>.</summary>
public sealed class LegacyBytesTests
{
    [Theory]
    [InlineData(true, false, "legacy=104")]
    [InlineData(false, true, "legacy=204")]
    [InlineData(true, true, "legacy=104,204")]
    public void Status_reports_raw_locks_on_the_legacy_bytes(bool perm104, bool unshare204, string expected)
    {
        using var image = new TempImage();
        int fd = Native.Open(image.Path, Native.O_RDONLY);
        try
        {
            if (perm104) Assert.Equal(0, Native.OfdSetLock(fd, Native.F_RDLCK, 104));
            if (unshare204) Assert.Equal(0, Native.OfdSetLock(fd, Native.F_RDLCK, 204));

            var status = ImageStatus.Probe(image.Path);
            Assert.Equal((Perm.None, Unshare.None, perm104, unshare204), (status.Perm, status.Unshare, status.LegacyPerm, status.LegacyUnshare));
            Assert.False(status.IsFree);
            var holder = Assert.Single(status.Holders);
            Assert.Equal((Environment.ProcessId, fd, true), (holder.Pid, holder.Fd, holder.LegacyBytes));

            var r = Imagelock.Run("status", image.Path);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            var lines = CliFacts.Lines(r.Out);
            Assert.Equal("perm=-", lines[0]);
            Assert.Equal("unshare=-", lines[1]);
            Assert.StartsWith(expected + " ", lines[2]);
            Assert.Contains(lines.Skip(3), l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2] is [var pid, var f]
                && pid == Environment.ProcessId.ToString() && f == fd.ToString());

            r = Imagelock.Run("status", "--json", image.Path);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            using var doc = JsonDocument.Parse(r.Out);
            var entry = Assert.Single(doc.RootElement.GetProperty("images").EnumerateArray());
            Assert.Equal(perm104, entry.GetProperty("legacy_perm").GetBoolean());
            Assert.Equal(unshare204, entry.GetProperty("legacy_unshare").GetBoolean());
            Assert.Equal(0, entry.GetProperty("perm").GetArrayLength());
            Assert.Equal(0, entry.GetProperty("unshare").GetArrayLength());
        }
        finally
        {
            Native.Close(fd);
        }
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Legacy_line_comes_after_perm_and_unshare_of_a_normal_holder()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Resize);
        int fd = Native.Open(image.Path, Native.O_RDONLY);
        try
        {
            Assert.Equal(0, Native.OfdSetLock(fd, Native.F_RDLCK, 104));
            var r = Imagelock.Run("status", image.Path);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            var lines = CliFacts.Lines(r.Out);
            Assert.Equal("perm=read,write", lines[0]);
            Assert.Equal("unshare=resize", lines[1]);
            Assert.StartsWith("legacy=104 ", lines[2]);
            Assert.Single(lines, l => l.StartsWith("legacy=", StringComparison.Ordinal));
        }
        finally
        {
            Native.Close(fd);
        }
    }
}
