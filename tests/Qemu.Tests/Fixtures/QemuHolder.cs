using ImageLock.Qemu.Tests.Reference;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>A QEMU configuration from the reference tables, running on its own image in its own temp dir, ready
/// (QMP answered where there is QMP, and the reference's bytes are held). Disposing stops only its own process, then
/// deletes the temp dir it was given (callers may pass `new TempDir()` inline).</summary>
public sealed class QemuHolder : IDisposable
{
    private readonly TempDir _dir;

    public QemuHolder(string config, string format, TempDir dir, string image, QemuProcess process, Qmp? qmp,
        string version = QemuVersions.Default)
    {
        (Config, Format, _dir, Image, Process, Qmp, Version) = (config, format, dir, image, process, qmp, version);
    }

    /// <summary>The configuration's name in the reference tables.</summary>
    public string Config { get; }

    public string Format { get; }

    /// <summary>The QEMU version running (<see cref="QemuVersions"/>).</summary>
    public string Version { get; }

    public string Image { get; }

    public string Dir => _dir.Path;

    public QemuProcess Process { get; }

    public Qmp? Qmp { get; }

    /// <summary>Starts a QEMU program with a QMP monitor on <paramref name="qmpPath"/>, waits until QMP answers and the
    /// reference's bytes are held, and stops the process (by its PID) if it never gets there.</summary>
    public static QemuHolder StartWithQmp(string config, string format, TempDir dir, string image, string tool,
        IEnumerable<string> args, string qmpPath, string version = QemuVersions.Default)
    {
        var process = QemuProcess.Start(tool, args, version);
        Qmp? qmp = null;
        try
        {
            qmp = Qmp.Connect(qmpPath, process);
            return new QemuHolder(config, format, dir, image, process, qmp, version).WaitReady();
        }
        catch
        {
            qmp?.Dispose();
            process.Dispose();
            throw;
        }
    }

    /// <summary>What the reference says this configuration holds in this version.</summary>
    public Grant Expected => ReferenceTable.BytesHeld(Config, Format, version: Version);

    /// <summary>Waits until the reference's bytes are held (fails with the probe and QEMU's stderr otherwise).</summary>
    public QemuHolder WaitReady()
    {
        Bytes.WaitFor(Image, Expected.Perm, Expected.Unshare, Process);
        return this;
    }

    public override string ToString() => $"{(Version == QemuVersions.Default ? "" : $"[QEMU {Version}] ")}{Config} ({Format}) pid {Process.Pid}";

    public void Dispose()
    {
        try
        {
            try { Qmp?.Dispose(); }
            finally { Process.Dispose(); }
        }
        finally { _dir.Dispose(); }
    }
}
