using System.Text;
using System.Text.Json;
using ImageLock.Interop;

namespace ImageLock.Graph;

/// <summary>Where a name from an image header leads, as QEMU's bdrv_open() parses it.</summary>
internal abstract record FileTarget
{
    /// <summary>A local file (or block device): QEMU's file/host_device driver opens and locks it. Driver is the
    /// format a <c>json:</c> name sets with "driver", if any.</summary>
    public sealed record Local(byte[] Path, string? Driver) : FileTarget;

    /// <summary>A network protocol (NBD, HTTP, ...): QEMU takes no file locks there.</summary>
    public sealed record Remote(string Protocol) : FileTarget;
}

/// <summary>Parses the names QEMU accepts for a backing file or data file: plain paths, <c>file:</c> and
/// <c>host_device:</c> prefixes, <c>json:{...}</c> and network protocols.</summary>
internal static class FileName
{
    /// <summary>Protocols whose drivers reach storage over a network and lock no local file.</summary>
    private static readonly HashSet<string> Network = new(StringComparer.Ordinal)
    {
        "nbd", "nbd+tcp", "nbd+unix", "http", "https", "ftp", "ftps", "ssh", "iscsi", "iser", "nfs",
        "gluster", "gluster+tcp", "gluster+unix", "gluster+rdma", "rbd", "sheepdog", "vxhs",
    };

    private static readonly HashSet<string> LocalDrivers = new(StringComparer.Ordinal) { "file", "host_device", "host_cdrom" };

    /// <summary>Resolves <paramref name="name"/>. A plain relative name is combined with <paramref name="relativeTo"/>
    /// (QEMU's path_combine for backing files) or, when that is null, left relative to the working directory, as
    /// QEMU opens data file names and every name with a protocol prefix. What ("backing file", "data file") and namedBy are for messages.</summary>
    /// <remarks>Throws <see cref="Qcow2FormatException"/> when QEMU would open something ImageLock cannot tell.</remarks>
    public static FileTarget Parse(byte[] name, byte[]? relativeTo, string what, string namedBy)
    {
        string? protocol = Protocol(name);
        if (protocol is null)
            return new FileTarget.Local(relativeTo is null ? name : PathBytes.Combine(relativeTo, name), null);
        var rest = name.AsSpan(protocol.Length + 1);
        if (protocol == "json") return Json(rest, what, namedBy);
        if (LocalDrivers.Contains(protocol)) return new FileTarget.Local(rest.ToArray(), null);
        if (Network.Contains(protocol)) return new FileTarget.Remote(protocol);
        throw new Qcow2FormatException(namedBy, $"The {what} '{PathBytes.Display(PathBytes.Decode(name))}' named by " +
            $"'{PathBytes.Display(namedBy)}' uses the protocol '{protocol}', which ImageLock does not follow, so it cannot tell " +
            "which files QEMU would open and lock. Hold the files yourself with ImageLease, or rebase the image.");
    }

    /// <summary>QEMU's path_has_protocol(): a ':' comes before any '/'.</summary>
    private static string? Protocol(ReadOnlySpan<byte> name)
    {
        int stop = name.IndexOfAny((byte)':', (byte)'/');
        return stop > 0 && name[stop] == (byte)':' ? Encoding.UTF8.GetString(name[..stop]) : null;
    }

    /// <summary><c>json:{...}</c>: the format node's "driver" and its file node ("file": {"driver", "filename"},
    /// the flat "file.driver"/"file.filename", or "filename"). Any other option may change what QEMU opens or locks
    /// (e.g. "file.locking"), so it is refused rather than guessed.</summary>
    private static FileTarget Json(ReadOnlySpan<byte> text, string what, string namedBy)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(text.ToArray());
            Flatten(document.RootElement, "", options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Unsupported(namedBy, what, $"is not a JSON object of strings ({e.Message})");
        }
        var unknown = options.Keys.Where(k => k is not ("driver" or "filename" or "file.driver" or "file.filename")).ToList();
        if (unknown.Count > 0) throw Unsupported(namedBy, what, $"sets options ImageLock does not interpret: {string.Join(", ", unknown)}");

        options.TryGetValue("driver", out var driver);
        string? fileDriver = options.GetValueOrDefault("file.driver");
        string? filename = options.GetValueOrDefault("file.filename");
        if (options.TryGetValue("filename", out var top))
        {
            if (filename is not null) throw Unsupported(namedBy, what, "names both \"filename\" and \"file.filename\"");
            filename = top;
        }
        if (driver is not null && LocalDrivers.Contains(driver)) (fileDriver, driver) = (driver, null);
        if (fileDriver is not null && Network.Contains(fileDriver)) return new FileTarget.Remote(fileDriver);
        if (fileDriver is not null && !LocalDrivers.Contains(fileDriver))
            throw Unsupported(namedBy, what, $"uses the driver '{fileDriver}' for its file, which ImageLock does not follow");
        if (filename is null) throw Unsupported(namedBy, what, "names no file (\"file.filename\")");
        return new FileTarget.Local(Encoding.UTF8.GetBytes(filename), driver);
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        if (element.ValueKind != JsonValueKind.Object) throw new InvalidOperationException("expected an object");
        foreach (var property in element.EnumerateObject())
        {
            string key = prefix + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object) Flatten(property.Value, key + ".", into);
            else if (property.Value.ValueKind == JsonValueKind.String) into[key] = property.Value.GetString()!;
            else throw new InvalidOperationException($"\"{key}\" is not a string");
        }
    }

    private static Qcow2FormatException Unsupported(string namedBy, string what, string why) =>
        new(namedBy, $"The json: {what} name in '{PathBytes.Display(namedBy)}' {why}; ImageLock cannot tell which files " +
            "QEMU would open and lock. Hold the files yourself with ImageLease, or rebase the image onto a plain file name.");
}
