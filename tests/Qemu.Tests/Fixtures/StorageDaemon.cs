namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>qemu-storage-daemon with a file + format --blockdev, an optional NBD export on a unix socket, and a QMP
/// monitor on a unix socket (readiness = QMP answers, then the reference's bytes appear).</summary>
public static class StorageDaemon
{
    public static QemuHolder Start(string config, string format, TempDir dir, string? image = null, string version = QemuVersions.Default)
    {
        image ??= dir.CreateImage($"qsd.{format}", format);
        (string nodeOpts, string? export) = config switch
        {
            "qsd rw + NBD export writable=on" => ("", "writable=on"),
            "qsd rw + NBD export writable=off" => ("", "writable=off"),
            "qsd read-only=on + NBD export" => (",read-only=on", "writable=off"),
            "qsd blockdev file+fmt (rw), no export" => ("", null),
            _ => throw new ArgumentException($"not a qemu-storage-daemon configuration: {config}"),
        };
        var qmpPath = dir.File("qsd.qmp");
        var args = new List<string>
        {
            "--blockdev", $"driver=file,node-name=file0,filename={image}{nodeOpts}",
            "--blockdev", $"driver={format},node-name=fmt0,file=file0{nodeOpts}",
            "--chardev", $"socket,id=m0,path={qmpPath},server=on,wait=off",
            "--monitor", "chardev=m0",
        };
        if (export is not null)
            args.AddRange(["--nbd-server", $"addr.type=unix,addr.path={dir.File("nbd.sock")}",
                "--export", $"type=nbd,id=e0,node-name=fmt0,{export}"]);
        return QemuHolder.StartWithQmp(config, format, dir, image, "qemu-storage-daemon", args, qmpPath, version);
    }
}
