using System.Globalization;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests.Support;

/// <summary>Processes of other lock schemes on an image, for real: flock(1) (whose command inherits its descriptor, so
/// two processes hold the one flock lock) and ImageLock.ForeignLock (tests/ForeignLock) for fcntl locks.</summary>
internal sealed class Locker : IDisposable
{
    private readonly ChildProcess _process;
    private readonly int _child;

    private Locker(ChildProcess process, int child)
    {
        _process = process;
        _child = child;
    }

    public int Pid => _process.Pid;

    /// <summary>flock(1)'s command (sleep), which it started; 0 for ForeignLock.</summary>
    public int ChildPid => _child;

    /// <summary><c>flock -n PATH sleep 600</c>, once flock holds the lock and sleep runs.</summary>
    public static Locker Flock(string path)
    {
        var flock = ChildProcess.Start("flock", ["-n", path, "sleep", "600"]);
        int child = 0;
        try
        {
            bool up = Poll.Until(() => flock.HasExited || ((child = ChildOf(flock.Pid)) > 0 && Cmdline(child) == "sleep 600"), TimeSpan.FromMinutes(1));
            Assert.True(up && !flock.HasExited, $"flock never ran sleep: {flock}");
            return new Locker(flock, child);
        }
        catch
        {
            flock.Dispose();
            throw;
        }
    }

    /// <summary><c>ImageLock.ForeignLock TYPE MODE START END PATH [OPTION]</c>, once it holds the lock.</summary>
    public static Locker Fcntl(string type, string mode, string start, string end, string path, string? option = null)
    {
        var tool = DotnetApp.Start("ImageLock.ForeignLock", option is null ? [type, mode, start, end, path] : [type, mode, start, end, path, option]);
        try
        {
            bool locked = Poll.Until(() => tool.HasExited || tool.StdOut.Contains("locked"), TimeSpan.FromMinutes(1));
            Assert.True(locked && !tool.HasExited, $"ImageLock.ForeignLock never locked: {tool}");
            return new Locker(tool, 0);
        }
        catch
        {
            tool.Dispose();
            throw;
        }
    }

    /// <summary>The command line as /proc shows it (arguments joined by spaces), as imagelock prints it.</summary>
    public static string Cmdline(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").TrimEnd('\0').Replace('\0', ' '); }
        catch (IOException) { return ""; }
    }

    /// <summary>The descriptor of <paramref name="pid"/> open on <paramref name="path"/>.</summary>
    public static int FdOn(int pid, string path) =>
        Directory.GetFiles($"/proc/{pid}/fd").Select(f => (Fd: int.Parse(Path.GetFileName(f), CultureInfo.InvariantCulture), Target: new FileInfo(f).LinkTarget))
            .Single(f => f.Target == path).Fd;

    private static int ChildOf(int parent)
    {
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText($"{dir}/stat");
                if (int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture) == parent) return pid;
            }
            catch (IOException) { }
        }
        return 0;
    }

    public void Dispose()
    {
        // flock's sleep was started by our flock, and is only killed while it is still that sleep, a child of it.
        if (_child > 0 && Cmdline(_child) == "sleep 600" && ChildOf(_process.Pid) == _child) Native.Kill(_child, Native.SIGKILL);
        _process.Dispose();
    }
}
