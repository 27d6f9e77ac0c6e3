using ImageLock.Tests.Support;

namespace ImageLock.Tests;

/// <summary>HoldersComplete is per image: a process whose /proc/PID/fdinfo cannot be read (another user's, without root)
/// makes only the images whose /proc/locks lines are not all accounted for incomplete, not every image of the probe.</summary>
public sealed class HoldersCompleteTests
{
    [RootFact]
    public void An_unreadable_holder_makes_only_its_own_image_incomplete()
    {
        using var ours = new TempImage();
        using var theirs = new TempImage();
        int fd = Native.Open(ours.Path, Native.O_RDONLY);
        using var other = Holder.Start(theirs.Path, "read");   // root's process: unreadable without CAP_SYS_PTRACE
        try
        {
            Assert.Equal(0, Native.OfdSetLock(fd, Native.F_RDLCK, 100));
            // As root, every process is readable: both complete.
            var asRoot = ImageStatus.IdentifyHolders([ImageStatus.Probe(ours.Path, false), ImageStatus.Probe(theirs.Path, false)]);
            Assert.Equal((true, true), (asRoot[0].HoldersComplete, asRoot[1].HoldersComplete));
            Assert.Equal(other.Pid, Assert.Single(asRoot[1].Holders).Pid);

            IReadOnlyList<ImageStatus> seen = [];
            WithoutPtrace.Run(() => seen = ImageStatus.IdentifyHolders([ImageStatus.Probe(ours.Path, false), ImageStatus.Probe(theirs.Path, false)]));
            // Our own lock is found, and it is the one lock /proc/locks lists on our image: complete.
            var holder = Assert.Single(seen[0].Holders);
            Assert.Equal((Environment.ProcessId, (int?)fd, true), (holder.Pid, holder.Fd, seen[0].HoldersComplete));
            // The other image's holder could not be read: its bytes are known, its holder list is not complete.
            Assert.Equal((Perm.Read, false), (seen[1].Perm, seen[1].HoldersComplete));
            Assert.Empty(seen[1].Holders);
        }
        finally
        {
            Native.Close(fd);
        }
    }
}

/// <summary>A test that needs root (to drop a privilege for one thread). Skips loudly without root — except under CI
/// (IMAGELOCK_REQUIRE_QEMU=1, set by .ci/run, which runs as root), where it runs and fails.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Native.IsRoot && Environment.GetEnvironmentVariable("IMAGELOCK_REQUIRE_QEMU") != "1")
            Skip = "SKIPPED LOUDLY: needs root (drops CAP_SYS_PTRACE for one thread); CI (IMAGELOCK_REQUIRE_QEMU=1) requires it";
    }
}
