using System.Text;
using ImageLock.Cli.Spawn;

namespace ImageLock.Cli;

/// <summary>
/// Descriptors 0–2 as the caller left them. A closed one is taken at once by the next open — the runtime's own pipes,
/// or an image — and writing "stdout" there would corrupt it, so: a descriptor the caller closed (or one the runtime
/// has already taken, which is close-on-exec: inherited ones never are) is never written to, and a free one is filled
/// with /dev/null, close-on-exec so CMD still finds it closed, and so no image ever gets a number below 3.
/// </summary>
internal static class Stdio
{
    private const int O_RDWR = 2, O_CLOEXEC = 0x80000;

    /// <summary>Whether stderr is the caller's (not closed); messages to a closed one are dropped.</summary>
    public static bool StderrOpen { get; private set; } = true;

    public static void Guard()
    {
        bool[] closed = new bool[3];
        for (int fd = 0; fd < 3; fd++)
        {
            int flags = Libc.fcntl(fd, Libc.F_GETFD, 0);
            closed[fd] = flags < 0 || (flags & Libc.FD_CLOEXEC) != 0;
            if (flags < 0) Occupy(fd);
        }
        ConsoleStreams.Install();
        Console.SetOut(new CheckedWriter(closed[1] ? null : Console.Out));
        StderrOpen = !closed[2];
        if (closed[2]) Console.SetError(TextWriter.Null);
    }

    private static unsafe void Occupy(int fd)
    {
        fixed (byte* path = "/dev/null\0"u8)
        {
            int got = open(path, O_RDWR | O_CLOEXEC, 0);
            if (got >= 0 && got != fd)
            {
                dup3(got, fd, O_CLOEXEC);
                close(got);
            }
        }
    }

    [System.Runtime.InteropServices.DllImport("libc")] private static extern unsafe int open(byte* path, int flags, int mode);
    [System.Runtime.InteropServices.DllImport("libc")] private static extern int dup3(int fd, int newfd, int flags);
    [System.Runtime.InteropServices.DllImport("libc")] private static extern int close(int fd);
}

/// <summary>Standard output whose write errors (closed, /dev/full, a closed pipe) become one <see cref="OutputException"/>.</summary>
internal sealed class CheckedWriter(TextWriter? inner) : TextWriter
{
    public override Encoding Encoding => inner?.Encoding ?? Encoding.UTF8;

    public override void Write(char value) => Do(w => w.Write(value));
    public override void Write(string? value) => Do(w => w.Write(value));
    public override void Write(char[] buffer, int index, int count) => Do(w => w.Write(buffer, index, count));
    public override void WriteLine(string? value) => Do(w => w.WriteLine(value));
    public override void Flush() => Do(w => w.Flush());

    private void Do(Action<TextWriter> write)
    {
        if (inner is null) throw new OutputException("Bad file descriptor");
        try { write(inner); }
        catch (IOException e) { throw new OutputException(e.Message); }
        catch (UnauthorizedAccessException e) { throw new OutputException(e.InnerException?.Message ?? e.Message); }
    }
}

/// <summary>Standard output could not be written; the command stops with exit status 2.</summary>
internal sealed class OutputException(string message) : Exception(message);

/// <summary>Messages to standard error. A stderr that cannot be written (closed, full) loses the message, never the lease.</summary>
internal static class Stderr
{
    public static void Line(string text) => Write(text + "\n");

    public static void Write(string text)
    {
        try { Console.Error.Write(text); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
