using System.Runtime.InteropServices;

namespace ImageLock.Cli.Spawn;

/// <summary>The libc calls that start CMD and wait for it. Sizes are generous upper bounds of glibc's and musl's
/// opaque types (posix_spawnattr_t is 336 bytes on glibc x86_64 and aarch64, posix_spawn_file_actions_t 80, sigset_t 128).</summary>
internal static unsafe partial class Libc
{
    public const int AttrSize = 1024, FileActionsSize = 1024, SigsetSize = 256, SigactionSize = 512;
    public const short POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    public const int SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGKILL = 9, SIGPIPE = 13, SIGTERM = 15, SIGCHLD = 17;
    /// <summary>Linux's highest signal number (NSIG - 1), the same on every architecture .NET runs on.</summary>
    public const int SignalMax = 64;
    public const int EINTR = 4, ENOENT = 2, EACCES = 13, ECHILD = 10;
    public const int F_GETFD = 1, F_SETFD = 2, FD_CLOEXEC = 1;
    public static readonly nint SIG_DFL = 0, SIG_IGN = 1;

    [DllImport("libc", SetLastError = true)] public static extern int posix_spawnp(out int pid, byte* file, void* fileActions, void* attr, byte** argv, byte** envp);
    [DllImport("libc")] public static extern int posix_spawnattr_init(void* attr);
    [DllImport("libc")] public static extern int posix_spawnattr_destroy(void* attr);
    [DllImport("libc")] public static extern int posix_spawnattr_setflags(void* attr, short flags);
    [DllImport("libc")] public static extern int posix_spawnattr_setsigdefault(void* attr, void* sigset);
    [DllImport("libc")] public static extern int posix_spawnattr_setsigmask(void* attr, void* sigset);
    [DllImport("libc")] public static extern int posix_spawn_file_actions_init(void* actions);
    [DllImport("libc")] public static extern int posix_spawn_file_actions_destroy(void* actions);
    [DllImport("libc")] public static extern int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);
    [DllImport("libc")] public static extern int sigemptyset(void* set);
    [DllImport("libc", SetLastError = true)] public static extern int sigaction(int signal, void* action, void* old);
    [DllImport("libc", SetLastError = true)] public static extern nint signal(int signal, nint handler);
    [DllImport("libc", SetLastError = true)] public static extern int waitpid(int pid, out int status, int options);
    [DllImport("libc", SetLastError = true)] public static extern int kill(int pid, int signal);
    [DllImport("libc", SetLastError = true)] public static extern int fcntl(int fd, int command, int arg);
    [DllImport("libc")] private static extern byte* gnu_get_libc_version();

    /// <summary>The process's environment as libc has it (what a shell would pass on).</summary>
    public static byte** Environ
    {
        get
        {
            nint address = NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "environ");
            return *(byte***)address;
        }
    }

    /// <summary>Since glibc 2.29, adddup2(fd, fd) clears FD_CLOEXEC in the child only; older glibc ignores it, and other
    /// libcs are not assumed to do it.</summary>
    public static bool Dup2ClearsCloexec { get; } = CheckDup2ClearsCloexec();

    private static bool CheckDup2ClearsCloexec()
    {
        string? version;
        try { version = Marshal.PtrToStringUTF8((nint)gnu_get_libc_version()); }
        catch (EntryPointNotFoundException) { return false; } // not glibc
        return System.Version.TryParse(version, out var v) && v >= new System.Version(2, 29);
    }
}
