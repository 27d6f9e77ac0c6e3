using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ImageLock.Engine;

namespace ImageLock.Cli;

/// <summary>The JSON of <c>status --json</c>, version 1 (docs/json.md, docs/imagelock-status.schema.json): an object
/// <c>{"version":1,"images":[...]}</c>, or <c>{"version":1,"error":{...}}</c> when the command line is wrong.</summary>
internal static class StatusJson
{
    public const int Version = 1;

    /// <summary>One image (or graph file, or file of the host) with its status, or why it has none.</summary>
    /// <param name="File">With -f: the file's place in its image's graph.</param>
    /// <param name="Notes">With -f, on the image's own entry: the graph's notes ("not held: ...").</param>
    /// <param name="Host">Without an image: the file as /proc/locks names it.</param>
    public sealed record Entry(string? Path, ImageStatus? Status, Failure? Error, ImageGraphFile? File = null,
        IReadOnlyList<string>? Notes = null, HostFile? Host = null);

    // Text as it is: "dïsk", not "d\u00EFsk". JSON needs only '"', '\' and control characters escaped.
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Document(IEnumerable<Entry> entries) => Write(w =>
    {
        w.WriteStartArray("images");
        foreach (var e in entries) WriteEntry(w, e);
        w.WriteEndArray();
    });

    public static string Error(string code, string message) => Write(w =>
    {
        w.WriteStartObject("error");
        w.WriteString("code", code);
        JsonText.Write(w, "message", message);
        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, Options))
        {
            w.WriteStartObject();
            w.WriteNumber("version", Version);
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteEntry(Utf8JsonWriter w, Entry e)
    {
        w.WriteStartObject();
        JsonText.Write(w, "path", e.Path);
        if (e.Host is HostFile host)
        {
            w.WriteString("device", host.Device);
            w.WriteNumber("inode", host.Inode);
        }
        if (e.File is ImageGraphFile file)
        {
            w.WriteString("role", file.Role switch { ImageRole.Image => "image", ImageRole.DataFile => "data-file", _ => "backing" });
            w.WriteNumber("depth", file.Depth);
            if (file.Format is ImageFormat f) w.WriteString("format", f == ImageFormat.Qcow2 ? "qcow2" : "raw"); else w.WriteNull("format");
            JsonText.Write(w, "named_by", file.NamedBy);
        }
        if (e.Status is ImageStatus s)
        {
            WritePerms(w, "perm", (int)s.Perm);
            WritePerms(w, "unshare", (int)s.Unshare);
            w.WriteBoolean("legacy_perm", s.LegacyPerm);
            w.WriteBoolean("legacy_unshare", s.LegacyUnshare);
            w.WriteBoolean("holders_complete", s.HoldersComplete);
            w.WriteStartArray("holders");
            foreach (var h in s.Holders) WriteHolder(w, h);
            w.WriteEndArray();
            w.WriteStartArray("other_locks");
            foreach (var o in s.OtherLocks) WriteOtherLock(w, o);
            w.WriteEndArray();
        }
        if (e.Error is Failure error)
        {
            w.WriteStartObject("error");
            w.WriteString("code", error.Code);
            JsonText.Write(w, "message", error.Message);
            w.WriteEndObject();
        }
        if (e.Notes is { Count: > 0 } notes)
        {
            w.WriteStartArray("notes");
            foreach (var note in notes) JsonText.WriteValue(w, note);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteHolder(Utf8JsonWriter w, LockHolder h)
    {
        w.WriteStartObject();
        w.WriteNumber("pid", h.Pid);
        if (h.Fd is int fd) w.WriteNumber("fd", fd); else w.WriteNull("fd");
        JsonText.Write(w, "command", h.Command);
        if (h.CommandLineBlocked) w.WriteBoolean("command_blocked", true); // only then: added within version 1
        w.WriteString("kind", h.Kind);
        WritePerms(w, "perm", (int)h.Perm);
        WritePerms(w, "unshare", (int)h.Unshare);
        w.WriteBoolean("legacy", h.LegacyBytes);
        w.WriteBoolean("write_lock", h.Exclusive);
        w.WriteEndObject();
    }

    private static void WriteOtherLock(Utf8JsonWriter w, OtherLock l)
    {
        w.WriteStartObject();
        w.WriteNumber("pid", l.Pid);
        if (l.Fd is int fd) w.WriteNumber("fd", fd); else w.WriteNull("fd");
        JsonText.Write(w, "command", l.Command);
        if (l.CommandLineBlocked) w.WriteBoolean("command_blocked", true);
        w.WriteString("kind", OtherLockText.Kind(l));
        w.WriteString("type", l.Type);
        w.WriteString("mode", OtherLockText.Mode(l));
        w.WriteNumber("start", l.Start);
        if (l.End is long end) w.WriteNumber("end", end); else w.WriteNull("end");
        w.WriteStartArray("qemu_bytes");
        foreach (int b in l.QemuBytes) w.WriteNumberValue(b);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>QEMU's names as its QMP prints them (BlockPermission): consistent-read, write, write-unchanged, resize.</summary>
    private static void WritePerms(Utf8JsonWriter w, string name, int bits)
    {
        w.WriteStartArray(name);
        for (int i = 0; i < PermNames.Count; i++)
            if ((bits & (1 << i)) != 0) w.WriteStringValue(PermNames.QemuName(i).Replace(' ', '-'));
        w.WriteEndArray();
    }
}
