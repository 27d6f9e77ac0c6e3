using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests.Support;

/// <summary>The real imagelock run from <c>sh -c SCRIPT</c>, for what Process.Start cannot set up: closed or full
/// descriptors, ulimits, argument bytes that are not UTF-8. The script runs imagelock as <c>"$@"</c>; <paramref name="env"/>
/// passes paths in, so the script need not quote them.</summary>
internal static class InShell
{
    public static ChildProcess Start(string script, params (string Name, string Value)[] env)
    {
        var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
        return ChildProcess.Start("sh", ["-c", script, "sh", file, .. prefix], start =>
        {
            foreach (var (name, value) in env) start.Environment[name] = value;
        });
    }

    public static (int Exit, string Out, string Err) Run(string script, params (string Name, string Value)[] env)
    {
        using var child = Start(script, env);
        if (!child.WaitForExit(TimeSpan.FromSeconds(60))) throw new TimeoutException($"sh -c '{script}' did not exit: {child}");
        return (child.ExitCode, child.StdOut, child.StdErr);
    }
}
