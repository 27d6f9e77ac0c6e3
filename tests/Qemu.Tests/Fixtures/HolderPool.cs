namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>Class fixture: each QEMU configuration is started once, on first use, and stopped (by its PID) when the
/// class is done. Tests against it must leave its bytes as they found them (they assert that, too).</summary>
public sealed class HolderPool : IDisposable
{
    private readonly Dictionary<(string, string, string), QemuHolder> _holders = new();
    private readonly object _gate = new();

    public QemuHolder Get(string config, string format, string version = QemuVersions.Default)
    {
        lock (_gate)
        {
            if (_holders.TryGetValue((version, config, format), out var holder))
            {
                holder.Process.EnsureRunning();
                return holder;
            }
            var dir = new TempDir();
            try { holder = Start(config, format, dir, version); } // the holder owns the dir from here on
            catch { dir.Dispose(); throw; }
            _holders[(version, config, format)] = holder;
            return holder;
        }
    }

    public static QemuHolder Start(string config, string format, TempDir dir, string version = QemuVersions.Default) => config switch
    {
        _ when config.StartsWith("qemu-io", StringComparison.Ordinal) => QemuIo.Start(config, format, dir, version: version),
        _ when config.StartsWith("qsd", StringComparison.Ordinal) => StorageDaemon.Start(config, format, dir, version: version),
        _ when config.StartsWith("qemu-nbd", StringComparison.Ordinal) => QemuNbd.Start(config, format, dir, version: version),
        _ when config.StartsWith("qsys", StringComparison.Ordinal) => QemuSystem.Start(config, format, dir, version: version),
        _ => throw new ArgumentException($"no starter for configuration '{config}'"),
    };

    public void Dispose()
    {
        List<Exception> errors = [];
        lock (_gate)
        {
            foreach (var holder in _holders.Values)
            {
                try { holder.Dispose(); }
                catch (Exception e) { errors.Add(e); }
            }
            _holders.Clear();
        }
        if (errors.Count > 0) throw new AggregateException(errors);
    }
}
