using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests.Support;

internal static class CliFacts
{
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public static string Describe((int Exit, string Out, string Err) r) => $"exit {r.Exit}\nstdout:\n{r.Out}\nstderr:\n{r.Err}";

    /// <summary>Free within a minute: a child another test forks at the moment this one closes its descriptor holds a
    /// copy of it (O_CLOEXEC closes it only at exec, which a loaded machine can delay); a leak stays held.</summary>
    public static void AssertFree(string path) =>
        Assert.True(Poll.Until(() => ImageStatus.Probe(path, identifyHolders: false).IsFree, TimeSpan.FromMinutes(1)), $"[{path}] is still held");

    /// <summary>Waits until the image shows exactly the child's grant. Perm bytes are taken before unshare bytes, so
    /// "some byte is held" is not yet "the hold has started".</summary>
    public static void WaitHeld(string path, ChildProcess child, Perm perm, Unshare unshare)
    {
        ImageStatus? seen = null;
        bool held = Poll.Until(() =>
        {
            seen = ImageStatus.Probe(path, identifyHolders: false);
            return (seen.Perm == perm && seen.Unshare == unshare) || child.HasExited;
        }, TimeSpan.FromMinutes(2)) && !child.HasExited;
        Assert.True(held, $"the child never held [{path}] with perm={PermNames.Format(perm)} unshare={PermNames.Format(unshare)}" +
            $" (last seen perm={PermNames.Format(seen?.Perm ?? Perm.None)} unshare={PermNames.Format(seen?.Unshare ?? Unshare.None)}): {child}");
    }
}
