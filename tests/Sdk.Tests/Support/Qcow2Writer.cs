using System.Buffers.Binary;
using System.Text;

namespace ImageLock.Tests.Support;

/// <summary>Writes minimal but valid qcow2 headers (QEMU may not be installed where the tests run).</summary>
internal static class Qcow2Writer
{
    public const int V3HeaderLength = 104;

    /// <summary>A v2 or v3 qcow2 image of <paramref name="size"/> virtual bytes, optionally naming a backing file.
    /// Raw overrides let tests write hostile headers.</summary>
    public static void Create(string path, ulong size = 1 << 20, string? backing = null, int version = 3,
        ulong? nameOffset = null, uint? nameLength = null, int? fileLength = null)
    {
        var header = new byte[Math.Max(512, fileLength ?? 0)];
        var name = backing is null ? [] : Encoding.UTF8.GetBytes(backing);
        int headerLength = version >= 3 ? V3HeaderLength : 72;
        ulong offset = backing is null ? 0 : (ulong)(headerLength + 8); // after the end-of-extensions marker
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(0), 0x514649fb);       // magic QFI\xfb
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)version);
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), nameOffset ?? offset);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), nameLength ?? (uint)name.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), 16);               // cluster_bits: 64 KiB
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(24), size);
        if (version >= 3)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(96), 4);            // refcount_order
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(100), V3HeaderLength);
        }
        if (name.Length > 0 && offset + (ulong)name.Length <= (ulong)header.Length)
            name.CopyTo(header, (int)offset);
        if (fileLength is int n) Array.Resize(ref header, n);
        File.WriteAllBytes(path, header);
    }
}
