using System.Buffers.Binary;
using System.Text;

namespace ImageLock.Tests.Support;

/// <summary>Writes minimal but valid qcow2 headers (QEMU may not be installed where the tests run): the v2/v3 header,
/// the backing format and data file extensions, feature bits. Raw overrides let tests write hostile headers.</summary>
internal static class Qcow2Writer
{
    public const int V3HeaderLength = 104;
    public const ulong IncompatDataFile = 4, IncompatCorrupt = 2, AutoclearDataFileRaw = 2;

    public static void Create(string path, ulong size = 1 << 20, string? backing = null, int version = 3,
        ulong? nameOffset = null, uint? nameLength = null, int? fileLength = null, string? backingFormat = null,
        string? dataFile = null, ulong incompatible = 0, ulong autoclear = 0, byte[]? backingBytes = null, byte[]? dataFileBytes = null)
    {
        var header = new byte[Math.Max(512, fileLength ?? 0)];
        var name = backingBytes ?? (backing is null ? [] : Encoding.UTF8.GetBytes(backing));
        var data = dataFileBytes ?? (dataFile is null ? null : Encoding.UTF8.GetBytes(dataFile));
        if (data is not null && dataFileBytes is null && dataFile is not null) incompatible |= IncompatDataFile;
        int headerLength = version >= 3 ? V3HeaderLength : 72;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(0), 0x514649fb);       // magic QFI\xfb
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)version);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), 16);               // cluster_bits: 64 KiB
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(24), size);
        if (version >= 3)
        {
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(72), incompatible);
            BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(88), autoclear);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(96), 4);            // refcount_order
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(100), V3HeaderLength);
        }
        int offset = headerLength;
        if (backingFormat is not null) offset = Extension(header, offset, 0xe2792aca, Encoding.ASCII.GetBytes(backingFormat));
        if (data is not null) offset = Extension(header, offset, 0x44415441, data);
        offset += 8;                                                                // end-of-extensions marker (zeros)
        ulong at = name.Length == 0 ? 0 : (ulong)offset;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(8), nameOffset ?? at);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), nameLength ?? (uint)name.Length);
        if (name.Length > 0 && at + (ulong)name.Length <= (ulong)header.Length)
            name.CopyTo(header, (int)at);
        if (fileLength is int n) Array.Resize(ref header, n);
        File.WriteAllBytes(path, header);
    }

    private static int Extension(byte[] header, int offset, uint magic, byte[] data)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(offset), magic);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(offset + 4), (uint)data.Length);
        data.CopyTo(header, offset + 8);
        return offset + 8 + ((data.Length + 7) & ~7);
    }
}
