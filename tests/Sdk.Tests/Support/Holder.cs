namespace ImageLock.Tests.Support;

/// <summary>Another process holding a grant on an image: the real <c>imagelock hold</c>, without CMD.</summary>
internal static class Holder
{
    /// <summary>Starts <c>imagelock hold --perm PERM --unshare UNSHARE PATH</c> and returns once /proc names it as a
    /// holder of the image (it is then fully locked: the CLI publishes every byte before it reports nothing).</summary>
    public static ChildProcess Start(string path, string perm, string unshare = "-")
    {
        var child = Imagelock.Start("hold", "--perm", perm, "--unshare", unshare, path);
        try
        {
            bool held = Poll.Until(() => child.HasExited || Holds(child.Pid, path, perm, unshare), TimeSpan.FromMinutes(2)); // a hang guard
            Assert.True(held && !child.HasExited, $"imagelock hold never held [{path}]: {child}");
            return child;
        }
        catch
        {
            child.Dispose();
            throw;
        }
    }

    private static bool Holds(int pid, string path, string perm, string unshare) =>
        ImageStatus.Probe(path).Holders.Any(h => h.Pid == pid && PermNames.Format(h.Perm) == perm && PermNames.Format(h.Unshare) == unshare);
}
