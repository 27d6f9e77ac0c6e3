namespace ImageLock.Tests.Support;

/// <summary>Runs the real imagelock as user nobody (via setpriv), for the permission checks root would bypass.</summary>
internal static class AsNobody
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (file, prefix) = DotnetApp.Locate(Imagelock.Name);
        string[] all = ["--reuid=65534", "--regid=65534", "--clear-groups", "--", file, .. prefix, .. args];
        using var child = ChildProcess.Start("setpriv", all, start => start.Environment["HOME"] = "/tmp");
        if (!child.WaitForExit(TimeSpan.FromSeconds(30))) throw new TimeoutException(child.ToString());
        return (child.ExitCode, child.StdOut, child.StdErr);
    }
}
