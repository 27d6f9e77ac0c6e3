namespace ImageLock.Cli.Tests.Support;

/// <summary>A CMD that hold started for a test: found by the pid it wrote to a file, and recognised by a marker in its
/// command line so a reused pid is never mistaken for it (nor signalled).</summary>
internal sealed class Cmd(string pidFile, string marker) : IDisposable
{
    public string Marker { get; } = marker;

    /// <summary>The pid CMD wrote, or 0 while it has not (yet) run.</summary>
    public int Pid
    {
        get
        {
            try { return int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) ? pid : 0; }
            catch (IOException) { return 0; }
        }
    }

    /// <summary>Still running, not a zombie (a zombie has closed its descriptors), and still our CMD.</summary>
    public bool IsAlive
    {
        get
        {
            int pid = Pid;
            if (pid <= 0) return false;
            try
            {
                string stat = File.ReadAllText($"/proc/{pid}/stat");
                string state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
                return state != "Z" && File.ReadAllText($"/proc/{pid}/cmdline").Contains(Marker);
            }
            catch (IOException) { return false; }
        }
    }

    public void Dispose()
    {
        if (IsAlive) ImageLock.Tests.Support.Native.Kill(Pid, ImageLock.Tests.Support.Native.SIGKILL); // ours: started through hold
    }
}
