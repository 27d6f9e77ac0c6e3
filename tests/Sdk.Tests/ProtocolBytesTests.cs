using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>Each grant publishes exactly bytes 100+i / 200+i, never 104/204, seen from outside the lease.</summary>
public sealed class ProtocolBytesTests
{
    public static IEnumerable<object[]> PermValues() => Enumerable.Range(0, 16).Select(p => new object[] { p });

    [Theory]
    [MemberData(nameof(PermValues))]
    public void Every_grant_holds_exactly_its_bytes(int permBits)
    {
        using var image = new TempImage();
        var perm = (Perm)permBits;
        for (int u = 0; u < 16; u++)
        {
            var unshare = (Unshare)u;
            var expected = ProcFd.Expected(perm, unshare);
            using (var lease = ImageLease.Acquire(image.Path, perm, unshare))
            {
                // Another open file description (the probe's) sees exactly these bytes with F_OFD_GETLK.
                LeaseFacts.AssertProbe(image.Path, perm, unshare);
                // The kernel's own record of the lease's descriptor: read locks on exactly these bytes.
                var locks = ProcFd.Locks(lease.Fd());
                Assert.All(locks, l => Assert.Equal(("OFDLCK", "READ"), (l.Kind, l.Type)));
                Assert.Equal(ProcFd.Show(expected), ProcFd.Show(ProcFd.Bytes(lease.Fd())));
                Assert.DoesNotContain(104L, ProcFd.Bytes(lease.Fd()));
                Assert.DoesNotContain(204L, ProcFd.Bytes(lease.Fd()));
                // No other descriptor of ours holds anything on the image.
                Assert.Equal(ProcFd.Show(expected), ProcFd.Show(ProcFd.BytesOn(image.Path)));
                Assert.Single(ProcFd.On(image.Path));
            }
            LeaseFacts.AssertFree(image.Path);
            Assert.Empty(ProcFd.On(image.Path));
        }
    }

    [Fact]
    public void Descriptor_is_close_on_exec_and_read_only_unless_the_grant_writes()
    {
        using var image = new TempImage();
        using (var reader = ImageLease.Acquire(image.Path, Perm.Read, Unshare.All))
        {
            Assert.True(ProcFd.IsCloseOnExec(reader.Fd()));
            Assert.Equal(Native.O_RDONLY, ProcFd.AccessMode(reader.Fd()));
        }
        foreach (var perm in new[] { Perm.Write, Perm.WriteUnchanged, Perm.Resize })
        {
            using var writer = ImageLease.Acquire(image.Path, perm);
            Assert.True(ProcFd.IsCloseOnExec(writer.Fd()));
            Assert.Equal(Native.O_RDWR, ProcFd.AccessMode(writer.Fd()));
        }
    }

    [Fact]
    public void Probe_names_this_process_and_descriptor_as_holder()
    {
        using var image = new TempImage();
        using var lease = ImageLease.Acquire(image.Path, Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize);
        var status = ImageStatus.Probe(image.Path);
        var holder = Assert.Single(status.Holders);
        Assert.Equal(Environment.ProcessId, holder.Pid);
        Assert.Equal(lease.Fd(), holder.Fd);
        Assert.Equal((Perm.Read | Perm.Write, Unshare.Write | Unshare.Resize), (holder.Perm, holder.Unshare));
        Assert.Equal("OFD", holder.Kind);
        Assert.False(holder.Exclusive);
        // HoldersComplete is not asserted: in this sandbox even root cannot read /proc/1/fdinfo.
    }
}
