using System.Runtime.InteropServices;

namespace ImageLock.Cli.Spawn;

/// <summary>
/// The signals of <c>hold</c>, registered before the lease is acquired so no signal finds a moment without a plan.
/// Before CMD starts, SIGTERM, SIGHUP, SIGINT and SIGQUIT stop the hold (CMD is then never started); while CMD runs,
/// SIGTERM and SIGHUP are passed on to it and SIGINT and SIGQUIT are left to CMD, which gets them from the terminal
/// itself, as a shell waiting for a command does. Whatever else kills imagelock, CMD keeps the lease: it holds the image's
/// open file description too.
/// </summary>
internal sealed class HoldSignals : IDisposable
{
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _child;
    private int _stopSignal;

    public HoldSignals()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => Handle(c, Libc.SIGTERM)),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, c => Handle(c, Libc.SIGHUP)),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, c => Handle(c, Libc.SIGINT)),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => Handle(c, Libc.SIGQUIT)),
        ];
    }

    /// <summary>Cancelled by the first signal that arrives while no CMD runs.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>The exit status of a hold a signal stopped before CMD started: 128+N, as if the signal had killed it.</summary>
    public int StoppedStatus { get { lock (_gate) return 128 + _stopSignal; } }

    private void Handle(PosixSignalContext context, int signal)
    {
        context.Cancel = true;
        lock (_gate)
        {
            if (_child > 0)
            {
                if (signal is Libc.SIGTERM or Libc.SIGHUP) Libc.kill(_child, signal);
                return;
            }
            if (_stopSignal == 0) _stopSignal = signal;
        }
        _stop.Cancel();
    }

    /// <summary>Starts CMD unless a signal has asked to stop; the check and the start are one step for the handler.</summary>
    /// <returns>0 with CMD's pid; an errno when it could not be started; -1 when a signal came first.</returns>
    public int Start(Func<(int Errno, int Pid)> spawn, out int pid)
    {
        pid = 0;
        lock (_gate)
        {
            if (_stopSignal != 0) return -1;
            var (errno, started) = spawn();
            if (errno == 0) _child = pid = started;
            return errno;
        }
    }

    /// <summary>CMD has been reaped: its pid may be reused, so no signal is passed on any more.</summary>
    public void ChildGone()
    {
        lock (_gate) _child = -1;
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _stop.Dispose();
    }
}
