using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>The Debian package installed with dpkg -i on a Debian 12 machine without .NET: the native imagelock
/// runs, holds and names holders, `man imagelock` shows its page, and bash completes its words.</summary>
public sealed class DebianPackageTests(DebianMachine machine) : IClassFixture<DebianMachine>
{
    [DebianPackageFact]
    public void Installs_on_a_machine_without_dotnet_and_runs()
    {
        Assert.Contains("Setting up imagelock", machine.Install.Out);
        Assert.NotEqual(0, machine.Run("sh", "-c", "command -v dotnet").Exit);
        Assert.False(Directory.Exists(Path.Combine(machine.Root, "usr/share/dotnet")), "the test machine has .NET");
        var r = machine.Run("imagelock", "--version");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Matches(@"^imagelock \d+\.\d+\.\d+\n$", r.Out);
        Assert.Equal("install ok installed", machine.Run("dpkg-query", "-W", "-f=${Status}", "imagelock").Out.TrimEnd());
    }

    [DebianPackageFact]
    public void Status_names_a_native_holder_and_SIGTERM_reaches_its_command()
    {
        string image = "/tmp/status-" + Guid.NewGuid().ToString("N")[..8] + ".raw";
        string onHost = machine.Root + image;
        TempImage.CreateRaw(onHost, 1 << 20);
        try
        {
            using var holder = machine.Start("imagelock", "hold", "--perm", "read,write", "--unshare", "resize", image, "--", "sleep", "600");
            CliFacts.WaitHeld(onHost, holder, Perm.Read | Perm.Write, Unshare.Resize);

            var r = machine.Run("imagelock", "status", image);
            Assert.True(r.Exit == 0, CliFacts.Describe(r));
            var lines = CliFacts.Lines(r.Out);
            Assert.Equal("perm=read,write", lines[0]);
            Assert.Equal("unshare=resize", lines[1]);
            Assert.Single(lines.Skip(3), l => l.TrimStart().StartsWith(holder.Pid + " ", StringComparison.Ordinal) && l.Contains("imagelock hold"));

            // hold passes SIGTERM on to sleep (a libc call of the native binary) and exits with sleep's status.
            holder.Signal(Native.SIGTERM);
            Assert.True(holder.WaitForExit(TimeSpan.FromMinutes(1)), holder.ToString());
            Assert.Equal(128 + Native.SIGTERM, holder.ExitCode);
            CliFacts.AssertFree(onHost);
        }
        finally
        {
            File.Delete(onHost);
        }
    }

    [DebianPackageFact]
    public void Man_shows_the_page_without_warnings()
    {
        var r = machine.Run("man", "--warnings", "-P", "cat", "imagelock");
        Assert.True(r.Exit == 0, CliFacts.Describe(r));
        Assert.Equal("", r.Err);
        Assert.Contains("IMAGELOCK(1)", r.Out);
        Assert.Contains("imagelock - flock(1) and lslocks(8) for QEMU disk images", r.Out);
        Assert.Contains("EXIT STATUS", r.Out);
        Assert.Contains("--unshare LIST", r.Out);
    }

    /// <summary>Asks bash-completion for the words after <paramref name="line"/>, loading imagelock's completion the way
    /// an interactive shell does: on demand, from /usr/share/bash-completion/completions.</summary>
    private string[] Complete(string line)
    {
        string script = """
            source /usr/share/bash-completion/bash_completion
            _completion_loader imagelock
            COMP_LINE=$1; COMP_POINT=${#1}
            read -ra COMP_WORDS <<<"$1"
            [[ $1 == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            cd /tmp && $(complete -p imagelock | sed -n 's/.*-F \([^ ]*\) .*/\1/p') imagelock "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var r = machine.Run("bash", "-c", script, "complete", line);
        Assert.True(r.Exit == 0 && r.Err == "", CliFacts.Describe(r));
        return CliFacts.Lines(r.Out);
    }

    [DebianPackageFact]
    public void Bash_completes_commands_options_lists_and_images()
    {
        Assert.Equal(["status"], Complete("imagelock st"));
        Assert.Equal(["--json"], Complete("imagelock status --j"));
        Assert.Equal(["--perm", "--posix"], Complete("imagelock hold --p").Order(StringComparer.Ordinal));
        Assert.Equal(["read,write", "read,write-unchanged"], Complete("imagelock hold --perm read,wr").Order(StringComparer.Ordinal));
        Assert.Equal(["write", "write-unchanged"], Complete("imagelock hold --unshare wri").Order(StringComparer.Ordinal));
        Assert.Equal(["qcow2"], Complete("imagelock status -f q"));
        Assert.Equal(["--nonblock"], Complete("imagelock hold --non"));

        string image = "/tmp/complete-" + Guid.NewGuid().ToString("N")[..8] + ".qcow2";
        File.WriteAllBytes(machine.Root + image, []);
        try { Assert.Equal([image], Complete("imagelock status " + image[..^4])); }
        finally { File.Delete(machine.Root + image); }
    }
}
