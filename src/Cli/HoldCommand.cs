using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ImageLock.Cli;

/// <summary><c>imagelock hold</c>: flock(1) for QEMU images.</summary>
internal static class HoldCommand
{
    public static int Run(string[] args)
    {
        var options = HoldOptions.Parse(args);
        ImageLease lease;
        try
        {
            using var progress = WaitProgress.Start(options);
            lease = ImageLease.Acquire(options.Image, options.Perm, options.Unshare, new ImageLockOptions
            {
                Wait = options.Wait,
                Locking = options.Posix ? LockingMode.Posix : LockingMode.Ofd,
            });
        }
        catch (ImageLockConflictException e)
        {
            Console.Error.WriteLine($"imagelock: {e.Message}");
            return ExitCodes.Conflict;
        }
        catch (ImageLockException e)
        {
            Console.Error.WriteLine($"imagelock: {e.Message}");
            return ExitCodes.Usage;
        }

        using (lease)
            return options.Command.Length > 0 ? RunCommand(options.Command) : HoldUntilSignal(lease);
    }

    /// <summary>Runs CMD with the lease held. The image descriptor is O_CLOEXEC, so CMD does not inherit it
    /// (an inherited OFD would keep the locks alive after we release them).</summary>
    private static int RunCommand(string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (var arg in command.Skip(1)) start.ArgumentList.Add(arg);
        Process child;
        try { child = Process.Start(start)!; }
        catch (Win32Exception e)
        {
            Console.Error.WriteLine($"imagelock: cannot run '{command[0]}': {e.Message}");
            return ExitCodes.CommandNotFound;
        }
        using (child)
        {
            // SIGINT from a terminal reaches the child's process group anyway; SIGTERM sent to us is passed on.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; Signals.Terminate(child.Id); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            child.WaitForExit();
            return child.ExitCode;
        }
    }

    private static int HoldUntilSignal(ImageLease lease)
    {
        using var stop = new ManualResetEventSlim();
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Set(); });
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Set(); });
        Console.Error.WriteLine($"imagelock: holding [{lease.ImagePath}] perm={PermNames.Format(lease.Perm)} " +
            $"unshare={PermNames.Format(lease.Unshare)} as pid {Environment.ProcessId}; SIGINT or SIGTERM releases it");
        stop.Wait();
        return ExitCodes.Ok;
    }
}

/// <summary>The parsed command line of <c>hold</c>.</summary>
internal sealed record HoldOptions(string Image, Perm Perm, Unshare Unshare, LockWait Wait, bool Posix, string[] Command)
{
    public static HoldOptions Parse(string[] args)
    {
        Perm perm = Perm.Read;
        Unshare unshare = Unshare.None;
        var wait = LockWait.None;
        bool posix = false;
        string? image = null;
        int i = 0;
        for (; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--") { i++; break; }
            switch (arg)
            {
                case "-h" or "--help":
                    Console.Out.Write(Usage.Hold);
                    Environment.Exit(ExitCodes.Ok);
                    break;
                case "--perm": perm = (Perm)List(args, ref i); break;
                case "--unshare": unshare = (Unshare)List(args, ref i); break;
                case "--wait": wait = Seconds(args, ref i); break;
                case "--posix": posix = true; break;
                default:
                    if (arg.StartsWith('-')) throw new UsageException($"hold: unknown option '{arg}'", Usage.Hold);
                    if (image is not null) throw new UsageException($"hold: more than one image ('{image}', '{arg}'); put the command after '--'", Usage.Hold);
                    image = arg;
                    break;
            }
        }
        if (image is null) throw new UsageException("hold: no image given", Usage.Hold);
        return new HoldOptions(image, perm, unshare, wait, posix, args[i..]);
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new UsageException($"hold: {args[i - 1]} needs a value", Usage.Hold);

    private static int List(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        try { return PermNames.ParseList(text); }
        catch (FormatException e) { throw new UsageException($"hold: {args[i - 1]}: {e.Message}", Usage.Hold); }
    }

    private static LockWait Seconds(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double s) || s < 0 || double.IsNaN(s))
            throw new UsageException($"hold: --wait needs a number of seconds, got '{text}'", Usage.Hold);
        return double.IsInfinity(s) ? LockWait.Forever : new LockWait(TimeSpan.FromSeconds(s));
    }
}

internal static class Signals
{
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    public static void Terminate(int pid) => kill(pid, 15 /* SIGTERM */);
}
