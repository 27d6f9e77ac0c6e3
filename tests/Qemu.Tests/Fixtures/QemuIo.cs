namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>qemu-io kept open interactively on a stdin pipe: it holds its locks until stdin closes (or a signal).</summary>
public static class QemuIo
{
    /// <summary>Reference configurations: "qemu-io (rw)", "qemu-io -r", "qemu-io -r -U".</summary>
    public static QemuHolder Start(string config, string format, TempDir dir, string? image = null, string version = QemuVersions.Default)
    {
        image ??= dir.CreateImage($"io.{format}", format);
        string[] mode = config switch
        {
            "qemu-io (rw)" => [],
            "qemu-io -r" => ["-r"],
            "qemu-io -r -U" => ["-r", "-U"],
            _ => throw new ArgumentException($"not a qemu-io configuration: {config}"),
        };
        var process = QemuProcess.Start("qemu-io", [.. mode, "-f", format, image], version);
        return new QemuHolder(config, format, dir, image, process, qmp: null, version).WaitReady();
    }
}
