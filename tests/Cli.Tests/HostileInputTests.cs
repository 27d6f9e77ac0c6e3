using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>Inputs and environments that used to crash imagelock with a stack trace (exit 134): each gives a clear
/// message and a documented exit status, and leaves nothing held.</summary>
public sealed class HostileInputTests
{
    [Fact]
    public void Empty_image_path_is_a_usage_error()
    {
        var r = Imagelock.Run("hold", "", "--", "true");
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Contains("imagelock: hold: the image path is empty", r.Err);
        r = Imagelock.Run("status", "");
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Contains("imagelock: status: an image path is empty", r.Err);
    }

    [Fact]
    public void A_file_named_blank_is_held_like_any_other()
    {
        using var image = new TempImage(name: " ");
        var r = Imagelock.Run("hold", "--perm", "read,write", image.Path, "--", "sh", "-c", "ls -l /proc/$$/fd");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Single(CliFacts.Lines(r.Out), l => l.EndsWith("-> " + image.Path));
        r = Imagelock.Run("status", image.Path);
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.StartsWith("perm=-", r.Out);
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Wait_of_1e300_seconds_waits_forever()
    {
        using var image = new TempImage();
        var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write);
        try
        {
            using var hold = Imagelock.Start("hold", "--wait", "1e300", "--perm", "read,write", image.Path, "--", "true");
            Thread.Sleep(1000);
            Assert.False(hold.HasExited, $"hold --wait 1e300 should still be waiting: {hold}");
            lease.Dispose();
            Assert.True(hold.WaitForExit(TimeSpan.FromSeconds(30)), hold.ToString());
            Assert.True(hold.ExitCode == 0, hold.ToString());
        }
        finally
        {
            lease.Dispose();
        }
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Status_of_an_unreadable_directory_names_it()
    {
        using var image = new TempImage();
        string locked = image.Sibling("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(locked, UnixFileMode.UserWrite | UnixFileMode.UserExecute); // 0300: no listing
        try
        {
            // Root lists any directory, so the expansion runs in-process with nobody's file-system identity
            // (wherever the build output lives); the command prints exactly this error and exits 2.
            (string Path, Failure? Error)[] expanded = [];
            AsNobody.Run(() => expanded = ImageFiles.Expand(locked).ToArray());
            Assert.Equal((locked, new Failure("permission-denied", $"Could not read directory '{locked}': Permission denied")), Assert.Single(expanded));
            if (!Native.IsRoot)
            {
                var r = Imagelock.Run("status", locked, image.Path);
                Assert.True(r.Exit == 2, CliFacts.Describe(r));
                Assert.Contains($"imagelock: Could not read directory '{locked}': Permission denied", r.Err);
                Assert.Contains(image.Path, r.Out); // the other image is still reported
            }
        }
        finally
        {
            File.SetUnixFileMode(locked, (UnixFileMode)0x1c0 /* 0700 */);
        }
    }

    [Fact]
    public void Directory_entries_that_are_not_UTF8_are_probed_as_themselves()
    {
        using var image = new TempImage();
        // hold 'caf\xe9.raw' and, as CMD, list the directory: the row of that very file shows the grant.
        var r = InShell.Run("""
            name=$(printf 'caf\351.raw')
            truncate -s 1M "$DIR/$name"
            "$@" hold --perm read,write "$DIR/$name" -- "$@" status "$DIR"
            "$@" status --json "$DIR"
            """, ("DIR", image.Directory), ("LC_ALL", "C"));
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Contains(CliFacts.Lines(r.Out), l => l.StartsWith(image.Directory + "/caf\\xe9.raw  read,write"));
        Assert.Contains($"\"path\": \"{image.Directory}/caf\\udce9.raw\"", r.Out); // JSON: the byte as its escape
    }

    [Theory]
    [InlineData("status \"$IMG\" >&-", "Bad file descriptor")]
    [InlineData("status --json \"$IMG\" >/dev/full", "No space left on device")]
    [InlineData("--help >/dev/full", "No space left on device")]
    [InlineData("hold --help >&-", "Bad file descriptor")]
    public void Stdout_closed_or_full_is_a_write_error(string script, string reason)
    {
        using var image = new TempImage();
        var r = InShell.Run("\"$@\" " + script, ("IMG", image.Path));
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Equal($"imagelock: write error: {reason}", r.Err.TrimEnd());
        CliFacts.AssertFree(image.Path);
    }

    [Theory]
    [InlineData("2>&-")]
    [InlineData("<&- >&- 2>&-")]
    public void Hold_with_stdio_closed_keeps_the_lease_and_never_writes_into_the_image(string redirections)
    {
        using var image = new TempImage();
        using var hold = InShell.Start($"exec \"$@\" hold --perm read,write --unshare write \"$IMG\" {redirections}", ("IMG", image.Path));
        CliFacts.WaitHeld(image.Path, hold, Perm.Read | Perm.Write, Unshare.Write);
        Thread.Sleep(500); // the "holding" message has been written, or dropped
        var status = ImageStatus.Probe(image.Path, identifyHolders: false);
        Assert.Equal((Perm.Read | Perm.Write, Unshare.Write), (status.Perm, status.Unshare));
        Assert.False(hold.HasExited, hold.ToString());

        hold.Signal(Native.SIGTERM); // sh exec'd imagelock: the pid is imagelock's
        Assert.True(hold.WaitForExit(TimeSpan.FromSeconds(10)), hold.ToString());
        Assert.True(hold.ExitCode == 0, hold.ToString());
        CliFacts.AssertFree(image.Path);
        Assert.All(File.ReadAllBytes(image.Path), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Low_open_files_limit_is_refused_before_anything_is_held()
    {
        using var image = new TempImage();
        string ran = image.Sibling("ran");
        var r = InShell.Run("ulimit -n 40 && \"$@\" hold --perm read,write \"$IMG\" -- touch \"$RAN\"", ("IMG", image.Path), ("RAN", ran));
        Assert.True(r.Exit == 2, CliFacts.Describe(r));
        Assert.Equal("imagelock: the open-files limit (ulimit -n) is 40; imagelock needs at least 128", r.Err.TrimEnd());
        Assert.False(File.Exists(ran));
        CliFacts.AssertFree(image.Path);
    }

    [Fact]
    public void Unsharing_read_warns_that_no_QEMU_does_it()
    {
        using var image = new TempImage();
        var r = Imagelock.Run("hold", "--unshare", "read", image.Path, "--", "true");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Equal("imagelock: warning: no QEMU ever unshares read (consistent read): this locks out every QEMU, read-only opens included",
            Assert.Single(CliFacts.Lines(r.Err)));
        r = Imagelock.Run("hold", "--unshare", "write,resize", image.Path, "--", "true");
        Assert.Equal("", r.Err);
    }
}
