using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>
/// One long-running QEMU process this test run started. It is stopped only through its own PID: SIGTERM (or EOF on
/// stdin for qemu-io), then SIGKILL if it lingers. Never by name.
/// </summary>
public sealed partial class QemuProcess : IDisposable
{
    private const int SIGTERM = 15;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();

    private QemuProcess(string description, Process process)
    {
        Description = description;
        _process = process;
        Pid = process.Id;
    }

    /// <summary>What was started, for failure messages.</summary>
    public string Description { get; }

    public int Pid { get; }

    public bool HasExited => _process.HasExited;

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>Starts <paramref name="tool"/> of QEMU <paramref name="version"/> (default: the system's 7.2). The PID is
    /// QEMU's own for every version (see <see cref="QemuVersions.StartInfo"/>).</summary>
    public static QemuProcess Start(string tool, IEnumerable<string> args, string version = QemuVersions.Default)
    {
        var argList = args.ToList();
        var info = QemuVersions.StartInfo(version, tool, argList);
        var process = Process.Start(info) ?? throw new XunitException($"could not start {tool}");
        string qemuPrefix = version == QemuVersions.Default ? "" : $"[QEMU {version}] ";
        var qemu = new QemuProcess(qemuPrefix + tool + " " + string.Join(" ", argList), process);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (qemu._stderr) qemu._stderr.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (qemu._stdout) qemu._stdout.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return qemu;
    }

    /// <summary>Fails the test with QEMU's own words if the process died.</summary>
    public void EnsureRunning()
    {
        if (HasExited)
            throw new XunitException($"{Description}\nexited with {_process.ExitCode}; stderr:\n{Stderr}");
    }

    /// <summary>SIGKILL to this PID: no chance to unlock, so only the kernel's cleanup releases the locks.</summary>
    public void KillHard()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    /// <summary>Asks the process to stop (EOF on stdin, SIGTERM), then SIGKILLs it after <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan? grace = null)
    {
        if (_process.HasExited) { _process.WaitForExit(); return; }
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_process.WaitForExit(TimeSpan.FromMilliseconds(500)))
        {
            Kill(Pid, SIGTERM);
            if (!_process.WaitForExit(grace ?? TimeSpan.FromSeconds(5))) _process.Kill(entireProcessTree: false);
        }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        try { Stop(); }
        finally { _process.Dispose(); }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
