namespace ImageLock.Cli;

/// <summary>A holder's command in a table, escaped; one whose /proc/PID/cmdline did not answer is its comm, marked so.</summary>
internal static class CommandCell
{
    public static string Of(string? command, bool blocked) =>
        Text.Escape(command ?? "?") + (blocked ? " (command line blocked)" : "");

    /// <summary>Under a table: why a command line is missing, once per such process.</summary>
    public static string Notes(IEnumerable<(int Pid, bool Blocked)> processes) =>
        string.Concat(processes.Where(p => p.Blocked).Select(p => p.Pid).Distinct().Select(pid =>
            $"  pid {pid}: named by /proc/{pid}/comm: its command line could not be read, its memory map is locked " +
            "(a thread of it waits on a filesystem that does not answer, as when ps(1) hangs)\n"));
}
