using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests.Support;

internal static class CliFacts
{
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    public static string Describe((int Exit, string Out, string Err) r) => $"exit {r.Exit}\nstdout:\n{r.Out}\nstderr:\n{r.Err}";

    public static void AssertFree(string path) =>
        Assert.True(ImageStatus.Probe(path, identifyHolders: false).IsFree, $"[{path}] is still held");

    /// <summary>Waits until someone holds bytes on the image (a child's hold has started).</summary>
    public static void WaitHeld(string path, ChildProcess child) =>
        Assert.True(Poll.Until(() => !ImageStatus.Probe(path, identifyHolders: false).IsFree || child.HasExited, TimeSpan.FromMinutes(2))
            && !child.HasExited, $"the child never held [{path}]: {child}");
}
