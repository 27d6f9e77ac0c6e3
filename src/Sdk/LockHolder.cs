namespace ImageLock;

/// <summary>A process that holds lock bytes on an image, as /proc/PID/fdinfo shows it.</summary>
/// <param name="Pid">The holder's process id.</param>
/// <param name="Fd">The descriptor that carries the locks, when known.</param>
/// <param name="Command">The holder's command line, when /proc lets us read it.</param>
/// <param name="Perm">Permission bytes (100+i) this descriptor holds.</param>
/// <param name="Unshare">Unshare bytes (200+i) this descriptor holds.</param>
/// <param name="Kind">"OFD" or "POSIX".</param>
/// <param name="LegacyBytes">Bytes 104/204 (QEMU &lt;= 6.2's graph-mod) are held too.</param>
/// <param name="Exclusive">The holder has a write lock on some byte: it is not following QEMU's protocol.</param>
public sealed record LockHolder(int Pid, int? Fd, string? Command, Perm Perm, Unshare Unshare, string Kind,
    bool LegacyBytes = false, bool Exclusive = false)
{
    /// <summary>Reading the holder's /proc/PID/cmdline did not finish in time: <see cref="Command"/> is only its name
    /// (/proc/PID/comm). The kernel reads a command line under the process's memory-map lock, which one of its threads
    /// holds while it waits on a filesystem that does not answer (a dead NFS server, a hung FUSE daemon), as when ps(1)
    /// hangs.</summary>
    public bool CommandLineBlocked { get; init; }


    /// <summary>One line for people: <c>held by pid 1234 fd 9 (qemu-system-x86_64 -drive ...): perm=read,write unshare=write</c>.</summary>
    public string Describe()
    {
        var fd = Fd is int f ? $" fd {f}" : "";
        var command = CommandLineBlocked ? $" ({Command}, named by /proc/{Pid}/comm: {BlockedWords})"
            : string.IsNullOrEmpty(Command) ? "" : $" ({Command})";
        var extra = (LegacyBytes ? " legacy-bytes=104/204" : "") + (Exclusive ? " write-lock" : "");
        return $"held by pid {Pid}{fd}{command}: perm={PermNames.Format(Perm)} unshare={PermNames.Format(Unshare)}{extra}";
    }

    /// <summary>Why a holder is named by its comm, in a few words.</summary>
    internal const string BlockedWords = "its command line could not be read, its memory map is locked";
}
