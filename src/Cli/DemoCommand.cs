using System.Diagnostics;

namespace ImageLock.Cli;

/// <summary><c>imagelock demo</c>: the protocol on a throw-away image, end to end, in a few lines of output.</summary>
internal static class DemoCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length > 0)
        {
            if (args[0] is "-h" or "-?" or "--help") { output.Write(Usage.Demo); return ExitCodes.Ok; }
            throw new UsageException($"demo: unexpected argument '{args[0]}'", Usage.Demo);
        }
        string dir = Directory.CreateTempSubdirectory("imagelock-demo-").FullName;
        string image = Path.Combine(dir, "disk.raw");
        try
        {
            CreateRawImage(image, 16 << 20);
            output.WriteLine($"Created a throw-away 16 MiB raw image: {image}");
            output.WriteLine();

            using (var backup = ImageLease.Acquire(image, Perm.Read, Unshare.Write | Unshare.Resize))
            {
                output.WriteLine("1. A backup reader holds it: perm=read unshare=write,resize (no one may write or resize while it copies).");
                output.WriteLine();
                output.WriteLine("2. A writer asks for perm=read,write, as a VM would, and is refused with QEMU's own message:");
                try
                {
                    ImageLease.Acquire(image, Perm.Read | Perm.Write, Unshare.None, new ImageLockOptions { HolderScanBudget = Refusals.HolderScanBudget }).Dispose();
                    output.WriteLine("   unexpected: the writer was not refused");
                    return ExitCodes.Conflict;
                }
                catch (ImageLockConflictException conflict)
                {
                    Indent(output, "imagelock: " + conflict.Message);
                }
                RunQemuIoWrite(output, image);
                output.WriteLine();
                output.WriteLine($"3. $ imagelock status {image}");
                StatusCommand.Run([image], new IndentingWriter(output));
            }
            output.WriteLine();
            output.WriteLine("4. The backup reader released the image; now the writer gets it:");
            using (var writer = ImageLease.Acquire(image, Perm.Read | Perm.Write, Unshare.None))
                StatusCommand.Run([image], new IndentingWriter(output));
            return ExitCodes.Ok;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void CreateRawImage(string path, long size)
    {
        using var file = File.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        file.SetLength(size);
    }

    /// <summary>When QEMU is installed, lets qemu-io itself try to write and shows its refusal.</summary>
    private static void RunQemuIoWrite(TextWriter output, string image)
    {
        var start = new ProcessStartInfo("qemu-io") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", "raw", "-c", "write 0 4k", image }) start.ArgumentList.Add(arg);
        try
        {
            using var qemu = Process.Start(start)!;
            string text = qemu.StandardError.ReadToEnd() + qemu.StandardOutput.ReadToEnd();
            qemu.WaitForExit();
            output.WriteLine($"   QEMU agrees: $ qemu-io -f raw -c 'write 0 4k' disk.raw   (exit {qemu.ExitCode})");
            Indent(output, text.TrimEnd());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            output.WriteLine("   (install qemu-utils to see qemu-io refused the same way)");
        }
    }

    private static void Indent(TextWriter output, string text)
    {
        foreach (var line in text.Split('\n')) output.WriteLine("   " + line);
    }

    private sealed class IndentingWriter(TextWriter inner) : StringWriter
    {
        public override void WriteLine(string? value) => inner.WriteLine("   " + value);
        public override void Write(string? value)
        {
            foreach (var line in (value ?? "").TrimEnd('\n').Split('\n')) inner.WriteLine("   " + line);
        }
    }
}
