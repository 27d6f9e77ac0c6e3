using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests.Support;

/// <summary>Runs command lines under a pseudo-terminal, as a person at a terminal would.</summary>
internal static class Terminal
{
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>The real imagelock with <paramref name="args"/>, quoted for sh.</summary>
    public static string ImagelockCommandLine(params string[] args)
    {
        var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
        return string.Join(' ', new[] { file }.Concat(prefix).Concat(args).Select(Quote));
    }

    /// <summary>Runs a shell command line under a pseudo-terminal: util-linux script(1), or Python's pty module where
    /// script is missing. The child's stdout is what the terminal showed. TERM names a terminal whose terminfo has
    /// keypad_xmit, so output meant only for interactive programs would show.</summary>
    public static ChildProcess Start(string commandLine)
    {
        bool haveScript = OnPath("script");
        return haveScript
            ? ChildProcess.Start("script", ["-qec", commandLine, "/dev/null"], s => s.Environment["TERM"] = "xterm")
            : ChildProcess.Start("python3", ["-c", "import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(['sh', '-c', sys.argv[1]])))", commandLine],
                s => s.Environment["TERM"] = "xterm");
    }

    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)));
}
