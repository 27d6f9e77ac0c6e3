using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace ImageLock.Tests.Support;

/// <summary>
/// Runs a call with the file-system identity of user nobody, on a thread of its own: setfsuid(2) is per thread, and
/// leaving uid 0 drops CAP_DAC_OVERRIDE for that thread only. So the real engine, already loaded by this process, meets
/// the permission checks root would bypass, wherever the build output lives and whoever may read it.
/// </summary>
internal static class AsNobody
{
    private const uint Nobody = 65534;

    /// <summary>Runs <paramref name="call"/> as nobody (directly when not root); its exception is rethrown as it was.</summary>
    public static void Run(Action call)
    {
        if (!Native.IsRoot) { call(); return; }
        // Compile the call first, as root: that loads the assemblies it names (e.g. imagelock's), which nobody
        // may not be able to read when the build output sits under a 0700 directory.
        RuntimeHelpers.PrepareMethod(call.Method.MethodHandle);
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            Native.SetFsUid(Nobody);
            try
            {
                if (Native.SetFsUid(uint.MaxValue) != Nobody) throw new InvalidOperationException("setfsuid(nobody) did not take effect");
                call();
            }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
            finally { Native.SetFsUid(0); }
        });
        thread.Start();
        thread.Join();
        failure?.Throw();
    }
}
