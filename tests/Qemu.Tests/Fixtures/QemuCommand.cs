using System.Diagnostics;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>The outcome of one short QEMU command (qemu-img, qemu-io -c ...).</summary>
public sealed record CommandResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public bool Ok => ExitCode == 0;

    public CommandResult EnsureSuccess() =>
        Ok ? this : throw new XunitException($"`{Command}` failed with exit {ExitCode}:\n{Stderr}{Stdout}");

    /// <summary>stderr as the reference tables print it: <paramref name="dir"/> as &lt;dir&gt;, lines joined by " ⏎ ".</summary>
    public string ReferenceMessage(string dir) =>
        string.Join(" ⏎ ", Stderr.Replace(dir, "<dir>").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>Runs a QEMU tool to completion; on timeout kills only that process, by its PID.</summary>
public static class QemuCommand
{
    public static CommandResult Run(string tool, params string[] args) => Run(TimeSpan.FromMinutes(2), tool, args);

    public static CommandResult Run(TimeSpan timeout, string tool, params string[] args) =>
        RunIn(QemuVersions.Default, timeout, tool, args);

    /// <summary>Runs <paramref name="tool"/> of QEMU <paramref name="version"/>.</summary>
    public static CommandResult RunIn(string version, string tool, params string[] args) =>
        RunIn(version, TimeSpan.FromMinutes(2), tool, args);

    public static CommandResult RunIn(string version, TimeSpan timeout, string tool, params string[] args)
    {
        var info = QemuVersions.StartInfo(version, tool, args);
        string command = (version == QemuVersions.Default ? "" : $"[QEMU {version}] ") + tool + " "
            + string.Join(" ", args.Select(a => a.Contains(' ') ? $"'{a}'" : a));
        using var process = Process.Start(info) ?? throw new XunitException($"could not start {command}");
        process.StandardInput.Close(); // qemu-io without -c must not wait for commands
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: false); // SIGKILL to this PID only
            process.WaitForExit();
            throw new XunitException($"`{command}` did not finish within {timeout.TotalSeconds}s; killed pid {process.Id}");
        }
        process.WaitForExit();
        return new CommandResult(command, process.ExitCode, stdout.Result, stderr.Result);
    }
}
