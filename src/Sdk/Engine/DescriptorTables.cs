using System.Globalization;
using ImageLock.Interop;

namespace ImageLock.Engine;

/// <summary>
/// The descriptor tables of a process: /proc/PID/fdinfo shows only the thread-group leader's, and a thread that called
/// unshare(CLONE_FILES) has its own, whose locks the leader's does not show. Found cheaply: one listing of
/// /proc/PID/task and one kcmp(KCMP_FILES) per thread against the tables already found; a thread kcmp cannot compare
/// (EPERM: another user's process, whose tables we could not read anyway) counts as sharing the leader's.
/// </summary>
internal static class DescriptorTables
{
    /// <summary>The fdinfo directories of <paramref name="pid"/>'s distinct tables, the leader's first.</summary>
    public static List<string> Of(int pid)
    {
        var tables = new List<string> { $"/proc/{pid}/fdinfo" };
        var owners = new List<int> { pid };
        foreach (int tid in Tasks(pid))
        {
            if (tid == pid) continue;
            if (owners.Any(o => Syscalls.SameFiles(o, tid) != false)) continue; // shared, or not comparable
            owners.Add(tid);
            tables.Add($"/proc/{pid}/task/{tid}/fdinfo");
        }
        return tables;
    }

    private static List<int> Tasks(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Select(Path.GetFileName)
                .Select(n => int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out int tid) ? tid : -1)
                .Where(tid => tid > 0).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
