using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ImageLock.Cli;

/// <summary>Console.Out and Console.Error as plain UTF-8 writers on descriptors 1 and 2.</summary>
/// <remarks>.NET's own console streams initialize the terminal before their first write, and on a terminal that
/// writes terminfo's keypad_xmit (<c>ESC[?1h ESC=</c>) to stdout: noise in every interactive run, and it leaves the
/// terminal in keypad mode. imagelock never reads keys, so it writes to the descriptors directly.</remarks>
internal static class ConsoleStreams
{
    public static void Install()
    {
        Console.SetOut(Writer(1));
        Console.SetError(Writer(2));
    }

    private static TextWriter Writer(int fd)
    {
        var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true });
    }
}
