namespace ImageLock.Cli.Spawn;

/// <summary>
/// Runs CMD with the lease, flock(1)'s way: CMD inherits the image descriptors, so the open file descriptions that carry
/// the OFD locks live as long as CMD does, however imagelock itself ends (SIGKILL included). imagelock never unlocks
/// while CMD runs; once CMD has exited, the caller releases the lease, which also takes the locks from any background
/// process CMD left holding the descriptor.
/// </summary>
internal static class CommandRunner
{
    /// <summary>CMD's exit status; 126 when it cannot be executed, 127 when it is not found (messages as a shell's).</summary>
    public static int Run(IReadOnlyList<byte[]> argv, IReadOnlyList<int> inherit, HoldSignals signals)
    {
        int errno = signals.Start(() => (Spawner.Spawn(argv, inherit, out int pid), pid), out int child);
        if (errno == -1) return signals.StoppedStatus;
        if (errno != 0)
        {
            Stderr.Line($"imagelock: {Text.Escape(Text.Decode(argv[0]))}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
            return errno == Libc.ENOENT ? ExitCodes.CommandNotFound : ExitCodes.CommandNotExecutable;
        }
        int status = Spawner.Wait(child);
        signals.ChildGone();
        if (status < 0)
        {
            Stderr.Line($"imagelock: CMD (pid {child}) was reaped by someone else, so its exit status is lost (is imagelock pid 1?)");
            return ExitCodes.Internal;
        }
        return status;
    }
}
