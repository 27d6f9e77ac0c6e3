using System.Globalization;

namespace ImageLock.Engine;

/// <summary>
/// A file as /proc/locks and fdinfo "lock:" lines name it: its superblock's device (MAJ:MIN in hex, as the kernel
/// prints it; on btrfs not the device stat reports for a subvolume's files) and its inode number. Found from our own
/// descriptor of the file (its fdinfo "mnt_id:" and "ino:", and that mount's line in /proc/self/mountinfo), so that
/// another process's descriptor is matched by its fdinfo alone: never by stat of /proc/PID/fd/N, which follows the
/// link into the file's filesystem and blocks for as long as a dead NFS server or a stuck FUSE daemon does not answer.
/// </summary>
/// <param name="Device">Null when this process's mountinfo did not tell: then the inode alone matches.</param>
/// <param name="Inode">The inode number the kernel prints (fdinfo "ino:").</param>
internal readonly record struct LockKey(string? Device, ulong Inode)
{
    public bool Matches(LockLine line) => line.Inode == Inode && (Device is null || line.Device == Device);

    public static LockKey Of(OpenedImage image)
    {
        string? fdinfo = HolderScan.TryRead($"/proc/self/fdinfo/{image.Fd}");
        ulong inode = Field(fdinfo, "ino:") ?? image.Inode; // "ino:" is Linux 5.14+; fstat's inode before
        return new LockKey(Field(fdinfo, "mnt_id:") is ulong mount ? MountDevice(mount) : null, inode);
    }

    /// <summary>Field 3 of the mount's /proc/self/mountinfo line ("36 35 98:0 / /mnt ..."), decimal, printed as
    /// /proc/locks does ("%02x:%02x").</summary>
    private static string? MountDevice(ulong mountId)
    {
        string prefix = mountId.ToString(CultureInfo.InvariantCulture) + " ";
        foreach (var line in (HolderScan.TryRead("/proc/self/mountinfo") ?? "").Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var dev = line.Split(' ') is { Length: > 2 } f ? f[2].Split(':') : [];
            return dev.Length == 2 && uint.TryParse(dev[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint major)
                && uint.TryParse(dev[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint minor)
                ? major.ToString("x2", CultureInfo.InvariantCulture) + ":" + minor.ToString("x2", CultureInfo.InvariantCulture)
                : null;
        }
        return null;
    }

    private static ulong? Field(string? fdinfo, string name)
    {
        foreach (var line in (fdinfo ?? "").Split('\n'))
            if (line.StartsWith(name, StringComparison.Ordinal)
                && ulong.TryParse(line.AsSpan(name.Length).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
                return value;
        return null;
    }
}
