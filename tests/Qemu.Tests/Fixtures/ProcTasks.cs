using System.Diagnostics;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>A process's threads as /proc/PID/task shows them: where each waits in the kernel (its stack needs root).</summary>
public static class ProcTasks
{
    public static IEnumerable<int> Tasks(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task").Select(d => int.Parse(Path.GetFileName(d)));

    /// <summary>The task's kernel stack (root): where it waits.</summary>
    public static string Stack(int pid, int tid) => Stack($"/proc/{pid}/task/{tid}/stack");

    public static string Stack(string file)
    {
        try { return File.ReadAllText(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>The task sleeps (state S or D) with one of these functions on its kernel stack.</summary>
    public static bool WaitsIn(int pid, int tid, params string[] functions)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/task/{tid}/stat"); }
        catch (IOException) { return false; }
        char state = stat[(stat.LastIndexOf(')') + 2)..][0];
        string stack = Stack(pid, tid);
        return state is 'S' or 'D' && functions.Any(f => stack.Contains(f, StringComparison.Ordinal));
    }

    public static string Comm(int pid, int tid)
    {
        try { return File.ReadAllText($"/proc/{pid}/task/{tid}/comm").TrimEnd('\n'); }
        catch (IOException) { return ""; }
    }

    /// <summary>Every thread with its name and kernel stack: what a failing wait prints.</summary>
    public static string Describe(int pid) =>
        string.Join("\n", Tasks(pid).Select(t => $"{t} {Comm(pid, t)}:\n{Stack(pid, t)}"));

    /// <summary>Polls until <paramref name="condition"/>; fails when the holder exits, or after two minutes (a hang guard,
    /// not a timing assertion) with the holder's threads and <paramref name="more"/>, built only then: they may read
    /// what does not exist yet.</summary>
    public static void WaitFor(Func<bool> condition, Process holder, string what, Func<string>? more = null)
    {
        var guard = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(holder.HasExited, $"holder {holder.Id} exited while waiting for {what}");
            if (guard.Elapsed > TimeSpan.FromMinutes(2))
                Assert.Fail($"gave up waiting for {what} (holder {holder.Id}); {more?.Invoke()}\nits threads:\n{Describe(holder.Id)}");
            Thread.Sleep(20);
        }
    }
}
