using System.Globalization;
using System.Runtime.InteropServices;

namespace ImageLock.Cli;

/// <summary>How wide tables may be: $COLUMNS, else the terminal's width (TIOCGWINSZ on stdout), else unlimited: a pipe
/// or a file gets whole lines, as lslocks(8) gives them.</summary>
internal static unsafe class TerminalWidth
{
    private const nuint TIOCGWINSZ = 0x5413;

    public static int? OfStdout()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out int columns) && columns > 0)
            return columns;
        ushort* size = stackalloc ushort[4]; // struct winsize: rows, columns, xpixel, ypixel
        return ioctl(1, TIOCGWINSZ, size) == 0 && size[1] > 0 ? size[1] : null;
    }

    [DllImport("libc")] private static extern int ioctl(int fd, nuint request, ushort* size);
}
