using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ImageLock.Cli;

/// <summary>
/// The JIT-compiled runtime keeps two descriptors open for every assembly it loads, and loads them as code first
/// needs them; under a low <c>ulimit -n</c> a load would fail halfway through a command ("Could not load file or
/// assembly"), maybe with the lease held. So a limit below what every command needs is refused up front, before
/// anything is opened or locked. (A NativeAOT build loads nothing and is not limited this way.)
/// </summary>
internal static unsafe class FdLimit
{
    /// <summary>The most descriptors any command was measured to need (demo: 72), with room to spare.</summary>
    public const int Needed = 128;

    private const int RLIMIT_NOFILE = 7;

    /// <summary>False (after saying why on stderr) when the limit is too low for the runtime.</summary>
    public static bool Check(bool stderrOpen)
    {
        if (!RuntimeFeature.IsDynamicCodeSupported) return true;
        ulong* limit = stackalloc ulong[2]; // soft, hard
        if (getrlimit(RLIMIT_NOFILE, limit) != 0 || limit[0] >= Needed) return true;
        if (stderrOpen)
        {
            // Written with write(2): printing through Console might itself need an assembly that can no longer be loaded.
            var message = System.Text.Encoding.ASCII.GetBytes(
                $"imagelock: the open-files limit (ulimit -n) is {limit[0]}; imagelock needs at least {Needed}\n");
            fixed (byte* p = message) write(2, p, message.Length);
        }
        return false;
    }

    [DllImport("libc")] private static extern int getrlimit(int resource, ulong* limit);
    [DllImport("libc")] private static extern nint write(int fd, byte* buffer, nint count);
}
