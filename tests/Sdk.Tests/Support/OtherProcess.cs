namespace ImageLock.Tests.Support;

/// <summary>What another process sees of an image's bytes: the real <c>imagelock status</c>, testing them with its own
/// F_OFD_GETLK calls. The evidence POSIX-mode tests need, since a probe in the holding process could itself drop them.</summary>
internal static class OtherProcess
{
    public static void AssertSees(string path, Perm perm, Unshare unshare) =>
        AssertSees(path, $"perm={PermNames.Format(perm)}", $"unshare={PermNames.Format(unshare)}");

    /// <summary>Asserts <c>imagelock status</c>'s first two lines, e.g. <c>perm=read</c> and <c>unshare=write</c>.</summary>
    public static void AssertSees(string path, string permLine, string unshareLine)
    {
        var (exit, output, err) = Imagelock.Run("status", path);
        Assert.True(exit == 0, err);
        var lines = output.Split('\n');
        Assert.Equal((permLine, unshareLine), (lines[0], lines[1]));
    }
}
