using ImageLock;

namespace BackupTool;

/// <summary>What BackupTool does with no arguments: back up a throw-away image, then show a refusal.</summary>
internal static class Demo
{
    public static async Task<int> RunAsync()
    {
        string dir = Directory.CreateTempSubdirectory("backuptool-demo-").FullName;
        try
        {
            string image = Path.Combine(dir, "vm-disk.raw");
            await File.WriteAllBytesAsync(image, Enumerable.Range(0, 4 << 20).Select(i => (byte)(i * 7)).ToArray());
            Console.WriteLine($"A throw-away 4 MiB image: {image}");

            Console.WriteLine("\n1. Back it up while nobody else uses it:");
            int rc = await BackupCommand.BackupAsync(image, Path.Combine(dir, "backup-1.raw"), chain: false, waitSeconds: 0);
            if (rc != 0) return rc;

            Console.WriteLine("\n2. Now a \"VM\" writes to it (this process takes perm read,write and unshares write, as QEMU's virtio-blk does), and we try again:");
            using (ImageLease.Acquire(image, Perm.Read | Perm.Write, Unshare.Write))
            {
                rc = await BackupCommand.BackupAsync(image, Path.Combine(dir, "backup-2.raw"), chain: false, waitSeconds: 0);
                Console.WriteLine($"(exit status {rc}: refused, and backup-2.raw was {(File.Exists(Path.Combine(dir, "backup-2.raw")) ? "written" : "never created")})");
            }
            return rc == 1 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
