using System.Buffers.Binary;
using System.Text;
using ImageLock.Engine;

namespace ImageLock;

/// <summary>The parts of a qcow2 header the lock protocol needs: version, virtual size and the backing file name.</summary>
public sealed record Qcow2Header(int Version, ulong VirtualSize, string? BackingFile)
{
    /// <summary>"QFI\xfb", big-endian, at offset 0.</summary>
    public const uint Magic = 0x514649fb;

    /// <summary>QEMU refuses longer backing file names (block/qcow2.c: "Backing file name too long").</summary>
    public const int MaxBackingNameLength = 1023;

    private const int HeaderLength = 32; // magic, version, backing_file_offset, backing_file_size, cluster_bits, size

    /// <summary>Reads the header of <paramref name="imagePath"/>; null when the file is not qcow2 (e.g. raw).</summary>
    /// <exception cref="Qcow2FormatException">The file says it is qcow2 but its header is unusable.</exception>
    public static Qcow2Header? Read(string imagePath)
    {
        using var image = ImageOpener.Open(imagePath, readWrite: false);
        Span<byte> header = stackalloc byte[HeaderLength];
        int read = RandomAccess.Read(image.Handle, header, 0);
        if (read < 4 || BinaryPrimitives.ReadUInt32BigEndian(header) != Magic) return null;
        if (read < HeaderLength) throw Corrupt(imagePath, "the header is truncated");

        uint version = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        if (version is not (2 or 3)) throw Corrupt(imagePath, $"unsupported qcow2 version {version}");
        ulong nameOffset = BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
        uint nameLength = BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
        ulong size = BinaryPrimitives.ReadUInt64BigEndian(header[24..]);
        if (nameOffset == 0) return new Qcow2Header((int)version, size, null);

        if (nameLength == 0 || nameLength > MaxBackingNameLength)
            throw Corrupt(imagePath, $"backing file name length {nameLength} is outside 1..{MaxBackingNameLength}");
        long fileLength = RandomAccess.GetLength(image.Handle);
        if (nameOffset < HeaderLength || nameOffset > (ulong)fileLength || (ulong)fileLength - nameOffset < nameLength)
            throw Corrupt(imagePath, $"backing file name at offset {nameOffset} (+{nameLength}) lies outside the file ({fileLength} bytes)");

        var name = new byte[nameLength];
        if (RandomAccess.Read(image.Handle, name, (long)nameOffset) != name.Length)
            throw Corrupt(imagePath, "the backing file name could not be read in full");
        if (Array.IndexOf(name, (byte)0) >= 0)
            throw Corrupt(imagePath, "the backing file name contains a NUL byte");
        return new Qcow2Header((int)version, size, Encoding.UTF8.GetString(name));
    }

    private static Qcow2FormatException Corrupt(string path, string what) =>
        new(path, $"Could not read the qcow2 header of '{path}': {what}. The image may be corrupt; check it with 'qemu-img check -U'.");
}
