namespace ImageLock.Cli;

/// <summary>While <c>hold --wait</c> waits, tells a person on a terminal who is in the way; quiet when stderr is not a terminal.</summary>
internal sealed class WaitProgress : IDisposable
{
    private readonly Timer? _timer;
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly HoldOptions _options;
    private bool _printed;

    private WaitProgress(HoldOptions options)
    {
        _options = options;
        if (!options.Wait.FailsImmediately && !Console.IsErrorRedirected)
            _timer = new Timer(_ => Report(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public static WaitProgress Start(HoldOptions options) => new(options);

    private void Report()
    {
        string who = "";
        try
        {
            var status = ImageStatus.Probe(_options.Image);
            var holder = status.Holders.FirstOrDefault(h => h.Pid != Environment.ProcessId);
            if (holder is not null) who = $" held by pid {holder.Pid} ({holder.Command})";
        }
        catch (ImageLockException) { }
        lock (this)
        {
            _printed = true;
            Console.Error.Write($"\rimagelock: waiting for [{_options.Image}]{who}: {(DateTime.UtcNow - _start).TotalSeconds:0}s ");
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        lock (this) if (_printed) Console.Error.WriteLine();
    }
}
