using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace ImageLock.Cli;

/// <summary>Console.Out and Console.Error as plain UTF-8 writers on descriptors 1 and 2.</summary>
/// <remarks>.NET's own console streams initialize the terminal before their first write, and on a terminal that
/// writes terminfo's keypad_xmit (<c>ESC[?1h ESC=</c>) to stdout: noise in every interactive run, and it leaves the
/// terminal in keypad mode. imagelock never reads keys, so it writes to the descriptors itself — with write(2), not
/// a FileStream, whose pwrite(2) on a regular file would not move the offset it shares with the shell.</remarks>
internal static class ConsoleStreams
{
    public static void Install()
    {
        Console.SetOut(Writer(1));
        Console.SetError(Writer(2));
    }

    private static TextWriter Writer(int fd) =>
        TextWriter.Synchronized(new StreamWriter(new DescriptorStream(fd), new UTF8Encoding(false), bufferSize: 256) { AutoFlush = true });

    private sealed class DescriptorStream(int fd) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override unsafe void Write(ReadOnlySpan<byte> buffer)
        {
            fixed (byte* start = buffer)
            {
                for (int done = 0; done < buffer.Length;)
                {
                    long n = LibC.write(fd, start + done, buffer.Length - done);
                    if (n < 0 && LibC.errno == LibC.EINTR) continue;
                    if (n < 0) throw new IOException(Marshal.GetPInvokeErrorMessage(LibC.errno));
                    done += (int)n;
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
