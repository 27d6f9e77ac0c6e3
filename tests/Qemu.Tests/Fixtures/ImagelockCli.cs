using System.Diagnostics;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests.Fixtures;

/// <summary>The built `imagelock` CLI (referenced by this project, so it lands next to the tests), run as a child.</summary>
public static class ImagelockCli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "imagelock.dll");

    public static CommandResult Run(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new XunitException("could not start imagelock");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(); // only the imagelock this test started
            throw new XunitException("imagelock did not finish within 2 minutes");
        }
        process.WaitForExit();
        return new CommandResult("imagelock " + string.Join(" ", args), process.ExitCode, stdout.Result, stderr.Result);
    }
}
