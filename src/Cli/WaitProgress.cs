namespace ImageLock.Cli;

/// <summary>While <c>hold --wait</c> waits, tells a person on a terminal who is in the way; quiet when stderr is not a terminal.</summary>
/// <remarks>In POSIX mode it never opens the image: closing any descriptor of a file drops every POSIX lock the process
/// has on it, so a probe that ran just as the lease was granted would silently release it. It shows the time alone.</remarks>
internal sealed class WaitProgress : IDisposable
{
    private readonly Timer? _timer;
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly HoldOptions _options;
    private readonly object _gate = new();
    private bool _printed, _stopped;

    private WaitProgress(HoldOptions options)
    {
        _options = options;
        if (!options.Wait.FailsImmediately && !Console.IsErrorRedirected)
            _timer = new Timer(_ => Report(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public static WaitProgress Start(HoldOptions options) => new(options);

    private void Report()
    {
        // The gate is held throughout, so once Dispose has returned no probe is running or will start.
        lock (_gate)
        {
            if (_stopped) return;
            string who = _options.Posix ? "" : Holder();
            _printed = true;
            Stderr.Write($"\rimagelock: waiting for [{Text.Escape(_options.Image)}]{who}: {(DateTime.UtcNow - _start).TotalSeconds:0}s ");
        }
    }

    private string Holder()
    {
        try
        {
            var status = ImageStatus.Probe(_options.Image);
            var holder = status.Holders.FirstOrDefault(h => h.Pid != Environment.ProcessId);
            return holder is null ? "" : $" held by pid {holder.Pid} ({Text.Escape(holder.Command)})";
        }
        catch (ImageLockException) { return ""; }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (_gate)
        {
            _stopped = true;
            if (_printed) Stderr.Line("");
        }
    }
}
