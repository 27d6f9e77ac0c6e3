using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace ImageLock.Tests.Support;

/// <summary>Runs a call, on a thread of its own, as an unprivileged user sees /proc: file-system identity nobody
/// (setfsuid) and without CAP_SYS_PTRACE, so another process's /proc/PID/fdinfo is refused as it is to a normal user,
/// while this process's own stays readable. Both are per thread, and the thread ends with the call: nothing to restore.</summary>
internal static unsafe class WithoutPtrace
{
    private const uint Nobody = 65534, CapabilityVersion3 = 0x20080522;
    private const int CapSysPtrace = 19;

    [StructLayout(LayoutKind.Sequential)]
    private struct CapHeader { public uint Version; public int Pid; }

    [StructLayout(LayoutKind.Sequential)]
    private struct CapData { public uint Effective, Permitted, Inheritable; }

    [DllImport("libc", SetLastError = true)] private static extern int capget(CapHeader* header, CapData* data);
    [DllImport("libc", SetLastError = true)] private static extern int capset(CapHeader* header, CapData* data);

    public static void Run(Action call)
    {
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var header = new CapHeader { Version = CapabilityVersion3, Pid = 0 };
                var data = stackalloc CapData[2];
                if (capget(&header, data) != 0) throw new InvalidOperationException($"capget: errno {Marshal.GetLastPInvokeError()}");
                data[0].Effective &= ~(1u << CapSysPtrace);
                if (capset(&header, data) != 0) throw new InvalidOperationException($"capset: errno {Marshal.GetLastPInvokeError()}");
                Native.SetFsUid(Nobody);
                if (Native.SetFsUid(uint.MaxValue) != Nobody) throw new InvalidOperationException("setfsuid(nobody) did not take effect");
                call();
            }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
    }
}
