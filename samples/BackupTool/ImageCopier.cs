using System.Security.Cryptography;
using ImageLock;

namespace BackupTool;

/// <summary>Copies a disk image while no one may write or resize it, and verifies the copy.</summary>
public sealed partial class ImageCopier
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Copies the image to <paramref name="destination"/> and checks the copy against a SHA-256 of what was read.
    /// The generator writes the overload that takes the image's path and holds the lease around this body.</summary>
    [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize,
        Justification = "a backup must be consistent: no guest may write or resize the image while it is copied")]
    public async Task<CopyResult> CopyAsync(ImageAccess image, string destination, IProgress<CopyProgress>? progress,
        CancellationToken cancellationToken)
    {
        long length = image.Length;
        using var sourceHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        await using (var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            long offset = 0;
            while (offset < length)
            {
                int read = await image.ReadAsync(offset, buffer, cancellationToken);
                if (read == 0) break;
                sourceHash.AppendData(buffer, 0, read);
                if (IsZero(buffer.AsSpan(0, read)))
                    target.Seek(read, SeekOrigin.Current); // keep the copy sparse
                else
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                offset += read;
                progress?.Report(new CopyProgress(image.ImagePath, offset, length));
            }
            target.SetLength(offset);
            await target.FlushAsync(cancellationToken);
        }
        byte[] expected = sourceHash.GetHashAndReset();
        byte[] actual = await HashFileAsync(destination, cancellationToken);
        if (!expected.AsSpan().SequenceEqual(actual))
            throw new IOException($"The copy {destination} does not match {image.ImagePath}: SHA-256 {Convert.ToHexString(actual)} != {Convert.ToHexString(expected)}");
        return new CopyResult(image.ImagePath, destination, length, Convert.ToHexString(expected).ToLowerInvariant());
    }

    /// <summary>Like <see cref="CopyAsync(ImageAccess, string, IProgress{CopyProgress}?, CancellationToken)"/>, but waits
    /// for a conflicting holder (a running VM, qemu-img) to go away until <paramref name="cancellationToken"/> is cancelled.</summary>
    [RequiresImageAccess(Perm.Read, Unshare.Write | Unshare.Resize, WaitMilliseconds = -1)]
    public Task<CopyResult> CopyWhenFreeAsync(ImageAccess image, string destination, IProgress<CopyProgress>? progress,
        CancellationToken cancellationToken) =>
        CopyAsync(image, destination, progress, cancellationToken);

    private static bool IsZero(ReadOnlySpan<byte> data) => !data.ContainsAnyExcept((byte)0);

    private static async Task<byte[]> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await SHA256.HashDataAsync(file, cancellationToken);
    }
}

/// <summary>What a finished copy read and wrote.</summary>
public sealed record CopyResult(string Source, string Destination, long Length, string Sha256);

/// <summary>How far a copy is.</summary>
public sealed record CopyProgress(string Image, long Copied, long Length);
