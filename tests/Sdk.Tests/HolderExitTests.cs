using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>A holder in another process: status names it, and SIGKILL releases everything (the kernel drops OFD locks).</summary>
public sealed class HolderExitTests
{
    [Fact]
    public void Sigkilled_holder_releases_everything()
    {
        using var image = new TempImage();
        using var child = Imagelock.Start("hold", "--perm", "read,write", "--unshare", "resize", image.Path);
        // Until every byte is locked: the child takes the perm bytes before the unshare bytes.
        Assert.True(Poll.Until(() => ImageStatus.Probe(image.Path, identifyHolders: false) is var s
            && (s.Perm, s.Unshare) == (Perm.Read | Perm.Write, Unshare.Resize) || child.HasExited,
            TimeSpan.FromMinutes(2)), $"the child never held the image: {child}");
        Assert.False(child.HasExited, child.ToString());

        var status = ImageStatus.Probe(image.Path);
        Assert.Equal((Perm.Read | Perm.Write, Unshare.Resize), (status.Perm, status.Unshare));
        var holder = Assert.Single(status.Holders);
        Assert.Equal(child.Pid, holder.Pid);
        Assert.Contains("imagelock", holder.Command);
        Assert.Contains("hold", holder.Command);
        Assert.Equal(ProcFd.Expected(Perm.Read | Perm.Write, Unshare.Resize), ProcFd.Bytes(child.Pid, holder.Fd!.Value));

        // While it holds, we are refused with the child named.
        var e = Assert.Throws<ImageLockConflictException>(() => ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write, LeaseFacts.NamingEveryHolder));
        Assert.Contains($"held by pid {child.Pid}", e.Message);

        child.Signal(Native.SIGKILL);
        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)));
        LeaseFacts.AssertFree(image.Path);
        using var after = ImageLease.Acquire(image.Path, Perm.All, Unshare.All);
    }
}
