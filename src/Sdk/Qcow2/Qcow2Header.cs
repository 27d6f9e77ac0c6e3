using System.Buffers.Binary;
using System.Text;
using ImageLock.Engine;
using ImageLock.Interop;

namespace ImageLock.Qcow2;

/// <summary>
/// What of a qcow2 header decides which files QEMU opens for the image, read as block/qcow2.c's qcow2_do_open()
/// reads it, through the descriptor that will be locked: the v2/v3 header, the extensions (backing format,
/// external data file name) and the feature bits (data-file, data_file_raw, corrupt, unknown ones).
/// </summary>
internal sealed record Qcow2Header(
    int Version, ulong VirtualSize, int ClusterBits, ulong IncompatibleFeatures, ulong AutoclearFeatures,
    byte[]? BackingName, string? BackingFormat, byte[]? DataFileName)
{
    public const uint Magic = 0x514649fb; // "QFI\xfb"
    public const ulong IncompatDirty = 1, IncompatCorrupt = 2, IncompatDataFile = 4, IncompatCompression = 8, IncompatExtL2 = 16;
    public const ulong KnownIncompatible = 0x1f;  // QCOW2_INCOMPAT_MASK of QEMU 7.2
    public const ulong AutoclearDataFileRaw = 2;
    private const uint ExtEnd = 0, ExtBackingFormat = 0xe2792aca, ExtDataFile = 0x44415441;
    private const int V2HeaderLength = 72, V3HeaderLength = 104, MaxBackingNameLength = 1023, BackingFormatBuffer = 16;

    /// <summary>The image keeps its guest data in an external data file (incompatible feature bit "data-file").</summary>
    public bool HasDataFile => (IncompatibleFeatures & IncompatDataFile) != 0;

    /// <summary>The data file is a valid raw image on its own (autoclear bit data_file_raw).</summary>
    public bool DataFileRaw => (AutoclearFeatures & AutoclearDataFileRaw) != 0;

    /// <summary>True when the file starts with the qcow2 magic and a version of 2 or more: QEMU's qcow2_probe().</summary>
    public static bool Probe(OpenedImage image)
    {
        Span<byte> start = stackalloc byte[8];
        return ReadAt(image, start, 0) == 8 && BinaryPrimitives.ReadUInt32BigEndian(start) == Magic
            && BinaryPrimitives.ReadUInt32BigEndian(start[4..]) >= 2;
    }

    /// <summary>Reads the header of <paramref name="image"/> (named <paramref name="path"/>) as QEMU does, and refuses
    /// with QEMU's reason what QEMU refuses to open; <paramref name="readWrite"/>: QEMU refuses corrupt images then.</summary>
    public static Qcow2Header Read(string path, OpenedImage image, bool readWrite)
    {
        Span<byte> h = stackalloc byte[V3HeaderLength];
        int read = ReadAt(image, h, 0);
        if (read < 8 || BinaryPrimitives.ReadUInt32BigEndian(h) != Magic)
            throw Refused(path, "Image is not in qcow2 format");
        uint version = BinaryPrimitives.ReadUInt32BigEndian(h[4..]);
        if (version is < 2 or > 3) throw Refused(path, $"Unsupported qcow2 version {version}");
        if (read < (version == 2 ? V2HeaderLength : V3HeaderLength)) throw Refused(path, "Could not read qcow2 header: the file is truncated");

        ulong backingOffset = BinaryPrimitives.ReadUInt64BigEndian(h[8..]);
        uint backingLength = BinaryPrimitives.ReadUInt32BigEndian(h[16..]);
        uint clusterBits = BinaryPrimitives.ReadUInt32BigEndian(h[20..]);
        ulong size = BinaryPrimitives.ReadUInt64BigEndian(h[24..]);
        if (clusterBits is < 9 or > 21) throw Refused(path, $"Unsupported cluster size: 2^{clusterBits}");
        ulong clusterSize = 1UL << (int)clusterBits;

        ulong incompatible = 0, autoclear = 0;
        ulong headerLength = V2HeaderLength;
        if (version == 3)
        {
            incompatible = BinaryPrimitives.ReadUInt64BigEndian(h[72..]);
            autoclear = BinaryPrimitives.ReadUInt64BigEndian(h[88..]);
            headerLength = BinaryPrimitives.ReadUInt32BigEndian(h[100..]);
            if (headerLength < V3HeaderLength) throw Refused(path, "qcow2 header too short");
        }
        if (headerLength > clusterSize) throw Refused(path, "qcow2 header exceeds cluster size");
        if (backingOffset > clusterSize) throw Refused(path, "Invalid backing file offset");
        if ((incompatible & ~KnownIncompatible) != 0)
            throw Refused(path, $"Unsupported qcow2 feature(s): incompatible feature bits 0x{incompatible & ~KnownIncompatible:x}");
        if ((incompatible & IncompatCorrupt) != 0 && readWrite)
            throw Refused(path, "qcow2: Image is corrupt; cannot be opened read/write");

        ulong extEnd = backingOffset != 0 ? backingOffset : clusterSize;
        var (backingFormat, dataFileName) = ReadExtensions(path, image, headerLength, extEnd);

        if ((incompatible & IncompatDataFile) != 0 && dataFileName is null)
            throw Refused(path, "'data-file' is required for this image");
        if ((incompatible & IncompatDataFile) == 0 && (autoclear & AutoclearDataFileRaw) != 0)
            throw Refused(path, "data-file-raw requires a data file");

        byte[]? backingName = null;
        if (backingOffset != 0)
        {
            if (backingLength > Math.Min(MaxBackingNameLength, clusterSize - backingOffset))
                throw Refused(path, "Backing file name too long");
            var name = new byte[backingLength];
            if (ReadAt(image, name, (long)backingOffset) != name.Length) throw Refused(path, "Could not read backing file name");
            backingName = CString(name);
        }
        return new Qcow2Header((int)version, size, (int)clusterBits, incompatible, autoclear,
            backingName is { Length: > 0 } ? backingName : null, backingFormat, dataFileName);
    }

    /// <summary>qcow2_read_extensions(): from the end of the header to the backing name (or the first cluster's end).</summary>
    private static (string? BackingFormat, byte[]? DataFileName) ReadExtensions(string path, OpenedImage image, ulong offset, ulong end)
    {
        string? backingFormat = null;
        byte[]? dataFileName = null;
        Span<byte> ext = stackalloc byte[8];
        while (offset < end)
        {
            if (ReadAt(image, ext, (long)offset) != 8) throw Refused(path, $"qcow2_read_extension: ERROR: pread fail from offset {offset}");
            uint magic = BinaryPrimitives.ReadUInt32BigEndian(ext);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(ext[4..]);
            offset += 8;
            if (offset > end || length > end - offset) throw Refused(path, "Header extension too large");
            if (magic == ExtEnd) break;
            if (magic is ExtBackingFormat or ExtDataFile)
            {
                if (magic == ExtBackingFormat && length >= BackingFormatBuffer)
                    throw Refused(path, $"ERROR: ext_backing_format: len={length} too large (>={BackingFormatBuffer})");
                var data = new byte[length];
                if (ReadAt(image, data, (long)offset) != data.Length) throw Refused(path, "Could not read a header extension");
                if (magic == ExtBackingFormat) backingFormat = Encoding.ASCII.GetString(CString(data));
                else dataFileName = CString(data);
            }
            offset += (length + 7UL) & ~7UL;
        }
        return (backingFormat, dataFileName);
    }

    /// <summary>QEMU keeps names as C strings: they end at the first NUL.</summary>
    private static byte[] CString(byte[] bytes)
    {
        int nul = Array.IndexOf(bytes, (byte)0);
        return nul < 0 ? bytes : bytes[..nul];
    }

    private static int ReadAt(OpenedImage image, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int err = Syscalls.ReadAt(image.Fd, buffer[total..], offset + total, out int n);
            if (err != 0 || n == 0) break;
            total += n;
        }
        return total;
    }

    private static Qcow2FormatException Refused(string path, string why) =>
        new(path, $"Could not open '{PathBytes.Display(path)}': {why}. QEMU refuses this image too; check it with 'qemu-img check -U -f qcow2'.");
}
