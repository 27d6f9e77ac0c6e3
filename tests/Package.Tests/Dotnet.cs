using System.Diagnostics;
using System.Reflection;
using Xunit.Sdk;

namespace ImageLock.Package.Tests;

/// <summary>The outcome of one <c>dotnet</c> (or other) command run to completion.</summary>
public sealed record Run(string Command, int ExitCode, string Output)
{
    public Run EnsureSuccess() => ExitCode == 0 ? this : throw new XunitException($"`{Command}` exited {ExitCode}:\n{Output}");
}

/// <summary>Runs commands as child processes; on timeout kills only the process it started, by its PID.</summary>
public static class Dotnet
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    /// <summary>A value the build passed to the test assembly (see the csproj).</summary>
    public static string Metadata(string key) => typeof(Dotnet).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    /// <summary>Runs to completion; <paramref name="environment"/> sets variables, a null value removes one.</summary>
    public static Run Exec(string workingDirectory, IDictionary<string, string?>? environment, string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1"; // no build server left behind by a test
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
            if (v is null) info.Environment.Remove(k); else info.Environment[k] = v;
        string command = file + " " + string.Join(" ", args);
        using var process = Process.Start(info) ?? throw new XunitException($"could not start {command}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(20)))
        {
            process.Kill(entireProcessTree: true); // our own child and the build nodes it started
            throw new XunitException($"`{command}` did not finish in 20 minutes (a hang guard)");
        }
        process.WaitForExit();
        return new Run(command, process.ExitCode, stdout.Result + stderr.Result);
    }
}
