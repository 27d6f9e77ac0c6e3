using System.Runtime.InteropServices;

namespace ImageLock.Cli.Spawn;

/// <summary>
/// Starts CMD with posix_spawnp(3) as a shell would: every signal at its default disposition except those imagelock was
/// started ignoring (nohup's SIGHUP), an empty signal mask, the exact argument bytes, our environment, and — unlike every
/// other descriptor of ours — the given descriptors inherited under their own numbers.
/// </summary>
internal static unsafe class Spawner
{
    /// <summary>Returns 0 with CMD's pid, or the errno of a CMD that could not be started (ENOENT, EACCES, ...).</summary>
    public static int Spawn(IReadOnlyList<byte[]> argv, IReadOnlyList<int> inherit, out int pid)
    {
        pid = 0;
        KeepChildStatus();
        void* attr = NativeMemory.AllocZeroed(Libc.AttrSize);
        void* actions = NativeMemory.AllocZeroed(Libc.FileActionsSize);
        void* defaulted = NativeMemory.AllocZeroed(Libc.SigsetSize);
        void* none = NativeMemory.AllocZeroed(Libc.SigsetSize);
        var args = new nint[argv.Count + 1];
        bool clearedInParent = false;
        try
        {
            Check(Libc.posix_spawnattr_init(attr));
            Check(Libc.posix_spawn_file_actions_init(actions));
            SignalsToDefault(defaulted);
            Libc.sigemptyset(none);
            Check(Libc.posix_spawnattr_setsigdefault(attr, defaulted));
            Check(Libc.posix_spawnattr_setsigmask(attr, none));
            Check(Libc.posix_spawnattr_setflags(attr, Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK));
            if (Libc.Dup2ClearsCloexec)
                foreach (int fd in inherit) Check(Libc.posix_spawn_file_actions_adddup2(actions, fd, fd));
            else
            {
                // Older libcs: clear FD_CLOEXEC here for the moment of the spawn. imagelock starts no other process meanwhile.
                foreach (int fd in inherit) Libc.fcntl(fd, Libc.F_SETFD, 0);
                clearedInParent = true;
            }
            for (int i = 0; i < argv.Count; i++) args[i] = CopyString(argv[i]);
            fixed (nint* argp = args)
                return Libc.posix_spawnp(out pid, (byte*)args[0], actions, attr, (byte**)argp, Libc.Environ);
        }
        finally
        {
            if (clearedInParent) foreach (int fd in inherit) Libc.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
            foreach (var a in args) if (a != 0) NativeMemory.Free((void*)a);
            Libc.posix_spawn_file_actions_destroy(actions);
            Libc.posix_spawnattr_destroy(attr);
            NativeMemory.Free(attr);
            NativeMemory.Free(actions);
            NativeMemory.Free(defaulted);
            NativeMemory.Free(none);
        }
    }

    /// <summary>
    /// Every signal but those ignored now, as a shell passes on the signals ignored when it started. The runtime's signal
    /// handling leaves an ignored signal ignored, so what is ignored now was ignored at our start — except SIGPIPE, which
    /// the runtime ignores itself, so CMD gets it at its default. (CoreCLR, not NativeAOT, installs its SIGTERM handler
    /// even over an ignored SIGTERM: that one is lost before our code runs.) glibc's sigfillset leaves out its two internal signals
    /// (32, 33), which its posix_spawn would then leave ignored in CMD: they are set here bit by bit instead.
    /// </summary>
    private static void SignalsToDefault(void* set)
    {
        void* action = NativeMemory.AllocZeroed(Libc.SigactionSize);
        try
        {
            Libc.sigemptyset(set);
            for (int signal = 1; signal <= Libc.SignalMax; signal++)
            {
                bool ignored = Libc.sigaction(signal, null, action) == 0 && *(nint*)action == Libc.SIG_IGN;
                if (ignored && signal != Libc.SIGPIPE) continue;
                ((ulong*)set)[(signal - 1) / 64] |= 1UL << ((signal - 1) % 64);
            }
        }
        finally { NativeMemory.Free(action); }
    }

    /// <summary>Inherited SIGCHLD=SIG_IGN would make the kernel reap CMD before we read its exit status. The runtime leaves an
    /// ignored SIGCHLD alone and reaps only its own System.Diagnostics.Process children, so waitpid sees CMD's status.</summary>
    private static void KeepChildStatus()
    {
        void* old = NativeMemory.AllocZeroed(Libc.SigactionSize);
        try
        {
            if (Libc.sigaction(Libc.SIGCHLD, null, old) == 0 && *(nint*)old == Libc.SIG_IGN)
                Libc.signal(Libc.SIGCHLD, Libc.SIG_DFL);
        }
        finally { NativeMemory.Free(old); }
    }

    private static nint CopyString(byte[] bytes)
    {
        byte* p = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return (nint)p;
    }

    private static void Check(int err)
    {
        if (err != 0) throw new SpawnException(err);
    }

    /// <summary>Waits for CMD and returns its exit status as a shell reports it: the code, or 128+N when signal N killed it.
    /// Returns -1 when someone else reaped it (imagelock running as pid 1, whose runtime reaps every child).</summary>
    public static int Wait(int pid)
    {
        while (true)
        {
            int rc = Libc.waitpid(pid, out int status, 0);
            if (rc == pid)
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
            int err = Marshal.GetLastPInvokeError();
            if (err != Libc.EINTR) return -1;
        }
    }
}

/// <summary>posix_spawn's attributes could not be set up (out of memory); CMD was not started.</summary>
internal sealed class SpawnException(int errno) : Exception(Marshal.GetPInvokeErrorMessage(errno))
{
    public int Errno { get; } = errno;
}
