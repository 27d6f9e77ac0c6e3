using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>In POSIX mode closing any descriptor of the image drops all of the process's locks on it, so the holding
/// imagelock must never open (and close) the image again: not for the progress line, not at the grant, not after.</summary>
public sealed class PosixHoldTests
{
    [Fact]
    public void Posix_wait_with_progress_opens_the_image_once_and_keeps_every_lock()
    {
        using var image = new TempImage();
        string trace = image.Sibling("trace.txt");
        var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.Write); // OFD; conflicts with hold's perm write
        try
        {
            var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
            string[] argv = [file, .. prefix, "hold", "--posix", "--wait", "60", "--perm", "read,write", "--unshare", "resize", image.Path];
            // strace, where installed (CI installs it), shows every open; the lock probes below need nothing.
            bool strace = Terminal.OnPath("strace");
            string line = (strace ? $"strace -f -qq -e trace=open,openat -o {Terminal.Quote(trace)} " : "") + string.Join(' ', argv.Select(Terminal.Quote));
            using var terminal = Terminal.Start(line);

            bool waiting = Poll.Until(() => terminal.StdOut.Contains("waiting for") || terminal.HasExited, TimeSpan.FromSeconds(30));
            Assert.True(waiting && !terminal.HasExited, $"no progress line while waiting: {terminal}");
            lease.Dispose();
            Assert.True(Poll.Until(() => (ImageStatus.Probe(image.Path, identifyHolders: false).Perm & Perm.Write) != 0 || terminal.HasExited,
                TimeSpan.FromSeconds(30)) && !terminal.HasExited, $"hold --posix was never granted: {terminal}");

            // The progress line ticked every second while waiting; a probe racing the grant, or one after it, would have
            // dropped the locks by now.
            Thread.Sleep(3000);
            var status = ImageStatus.Probe(image.Path);
            Assert.Equal((Perm.Read | Perm.Write, Unshare.Resize), (status.Perm, status.Unshare));
            var holder = Assert.Single(status.Holders);
            Assert.Equal("POSIX", holder.Kind);
            Assert.Contains(image.Path, File.ReadAllText($"/proc/{holder.Pid}/cmdline")); // the imagelock this test started
            Native.Kill(holder.Pid, Native.SIGTERM);
            Assert.True(terminal.WaitForExit(TimeSpan.FromSeconds(30)), terminal.ToString());
            CliFacts.AssertFree(image.Path);

            if (strace)
            {
                var opens = File.ReadAllLines(trace).Where(l => l.Contains('"' + image.Path + '"')).ToList();
                Assert.True(opens.Count == 1, $"the holding imagelock opened [{image.Path}] {opens.Count} times:\n{string.Join('\n', opens)}");
            }
        }
        finally
        {
            lease.Dispose();
        }
    }
}
