namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>qemu-system-x86_64 paused (-S), no defaults, no display, TCG (no /dev/kvm needed), a QMP unix socket for
/// readiness, and the image as a -drive with or without a virtio-blk-pci device.</summary>
public static class QemuSystem
{
    /// <param name="machine">q35 as measured; "pc" where PCI hot-plug is needed (q35's pcie.0 root bus refuses it).</param>
    public static QemuHolder Start(string config, string format, TempDir dir, string? image = null, string machine = "q35",
        string version = QemuVersions.Default)
    {
        image ??= dir.CreateImage($"vm.{format}", format);
        string drive = $"file={image},format={format},if=none,id=d0";
        List<string> machineArgs = ["-machine", machine, "-accel", "tcg"];
        List<string> device = ["-device", "virtio-blk-pci,drive=d0,id=vd0"];
        switch (config)
        {
            case "qsys q35, -drive + virtio-blk-pci": break;
            case "qsys q35, -drive readonly=on + virtio-blk-pci": drive += ",readonly=on"; break;
            case "qsys q35, -drive + virtio-blk-pci,share-rw=on": device[1] += ",share-rw=on"; break;
            case "qsys q35, -drive if=none (unattached)": device = []; break;
            case "qsys q35, -drive file.locking=off + virtio-blk-pci": drive += ",file.locking=off"; break;
            case "qsys -machine none, -drive if=none": machineArgs = ["-machine", "none"]; device = []; break;
            default: throw new ArgumentException($"not a qemu-system configuration: {config}");
        }
        var qmpPath = dir.File("vm.qmp");
        var args = new List<string>(machineArgs) { "-S", "-nodefaults", "-display", "none",
            "-qmp", $"unix:{qmpPath},server=on,wait=off", "-drive", drive };
        args.AddRange(device);
        return QemuHolder.StartWithQmp(config, format, dir, image, "qemu-system-x86_64", args, qmpPath, version);
    }
}
