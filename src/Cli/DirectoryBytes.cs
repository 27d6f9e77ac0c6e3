using System.Runtime.InteropServices;
using ImageLock.Interop;

namespace ImageLock.Cli;

/// <summary>opendir/readdir/stat on exact name bytes (PathBytes), where .NET's Directory would decode names with U+FFFD.</summary>
internal static unsafe class DirectoryBytes
{
    public const int EACCES = 13;
    private const int DirentNameOffset = 19; // struct dirent on Linux (glibc, musl): d_ino, d_off, d_reclen, d_type, d_name

    /// <summary>The entries of a directory (without . and ..), or null with the errno when it cannot be listed.</summary>
    public static List<string>? List(string path, out int errno)
    {
        errno = 0;
        fixed (byte* p = Terminated(path))
        {
            nint dir = opendir(p);
            if (dir == 0) { errno = Marshal.GetLastPInvokeError(); return null; }
            try
            {
                var names = new List<string>();
                for (byte* entry; (entry = readdir(dir)) != null;)
                {
                    var name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirentNameOffset);
                    if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)) continue;
                    names.Add(PathBytes.Decode(name));
                }
                return names;
            }
            finally { closedir(dir); }
        }
    }

    /// <summary>Whether the path is a directory (following symbolic links, as Directory.EnumerateFiles does).</summary>
    public static bool IsDirectory(string path)
    {
        Tmds.Linux.stat st;
        fixed (byte* p = Terminated(path))
            return Tmds.Linux.LibC.stat(p, &st) == 0 && Tmds.Linux.LibC.S_ISDIR(st.st_mode);
    }

    private static byte[] Terminated(string path) => [.. PathBytes.Encode(path), 0];

    [DllImport("libc", SetLastError = true)] private static extern nint opendir(byte* path);
    [DllImport("libc")] private static extern byte* readdir(nint dir);
    [DllImport("libc")] private static extern int closedir(nint dir);
}
