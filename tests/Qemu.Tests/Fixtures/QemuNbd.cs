namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>qemu-nbd in the foreground on a unix socket (-k): unlike --fork it keeps the PID we started, so we can
/// stop exactly that process. The reference's "-r --fork" row is measured with the same locks in the foreground.</summary>
public static class QemuNbd
{
    public static QemuHolder Start(string config, string format, TempDir dir, string? image = null, string version = QemuVersions.Default)
    {
        image ??= dir.CreateImage($"nbd.{format}", format);
        string socket = dir.File("nbd.sock");
        List<string> args = config switch
        {
            "qemu-nbd (rw) foreground" => ["-f", format, "-k", socket, image],
            "qemu-nbd -r --fork" => ["-r", "-f", format, "-k", socket, image],
            "qemu-nbd -r --image-opts force-share=on" =>
                ["-r", "-k", socket, "--image-opts", $"driver={format},file.driver=file,file.filename={image},force-share=on"],
            _ => throw new ArgumentException($"not a qemu-nbd configuration: {config}"),
        };
        var process = QemuProcess.Start("qemu-nbd", args, version);
        try { return new QemuHolder(config, format, dir, image, process, qmp: null, version).WaitReady(); }
        catch { process.Dispose(); throw; }
    }
}
