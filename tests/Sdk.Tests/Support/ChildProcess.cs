using System.Diagnostics;
using System.Text;

namespace ImageLock.Tests.Support;

/// <summary>A child process the test started. It is only ever signalled by its own PID, and a still-running child
/// is SIGKILLed on dispose so no test leaves a process behind.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new(), _err = new();

    private ChildProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
    }

    public int Pid { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string StdOut { get { lock (_out) return _out.ToString(); } }

    public string StdErr { get { lock (_err) return _err.ToString(); } }

    public static ChildProcess Start(string file, IEnumerable<string> args, Action<ProcessStartInfo>? configure = null)
    {
        var start = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        configure?.Invoke(start);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (child._out) child._out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._err) child._err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Writes a line to the child's stdin.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for exit and for all output; false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit(); // drains the async output readers
        return true;
    }

    /// <summary>Sends <paramref name="signal"/> to this child's own PID, if it still runs.</summary>
    public void Signal(int signal)
    {
        if (!_process.HasExited) Native.Kill(Pid, signal);
    }

    public override string ToString() => $"pid {Pid}\nstdout:\n{StdOut}\nstderr:\n{StdErr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Native.Kill(Pid, Native.SIGKILL);
                _process.WaitForExit(10_000);
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}

/// <summary>Locates .NET apps built next to the test assembly (the real imagelock, the stress worker).</summary>
internal static class DotnetApp
{
    /// <summary>The apphost when present, else <c>dotnet NAME.dll</c>; returns the file to run and the leading arguments.</summary>
    public static (string File, string[] Prefix) Locate(string assemblyName)
    {
        string dir = AppContext.BaseDirectory;
        string apphost = Path.Combine(dir, assemblyName);
        if (File.Exists(apphost)) return (apphost, []);
        string dll = Path.Combine(dir, assemblyName + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{assemblyName} was not built next to the tests", dll);
        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [dll]);
    }

    public static ChildProcess Start(string assemblyName, IEnumerable<string> args, Action<ProcessStartInfo>? configure = null)
    {
        var (file, prefix) = Locate(assemblyName);
        return ChildProcess.Start(file, prefix.Concat(args), configure);
    }

    /// <summary>Runs to completion; the child is SIGKILLed if it outlives <paramref name="timeout"/>.</summary>
    public static (int Exit, string Out, string Err) Run(string assemblyName, TimeSpan timeout, params string[] args)
    {
        using var child = Start(assemblyName, args);
        if (!child.WaitForExit(timeout))
            throw new TimeoutException($"{assemblyName} {string.Join(' ', args)} did not exit within {timeout}: {child}");
        return (child.ExitCode, child.StdOut, child.StdErr);
    }
}

/// <summary>The real <c>imagelock</c> command.</summary>
internal static class Imagelock
{
    public const string Name = "imagelock";

    public static ChildProcess Start(params string[] args) => DotnetApp.Start(Name, args);

    public static (int Exit, string Out, string Err) Run(params string[] args) => DotnetApp.Run(Name, TimeSpan.FromMinutes(2), args);
}
