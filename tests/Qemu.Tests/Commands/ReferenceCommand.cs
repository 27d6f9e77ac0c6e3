namespace ImageLock.Qemu.Tests.Commands;

/// <summary>The reference's command names ("qemu-img convert -U", "qemu-io -r -c 'read 0 4k'") as real argument lists.</summary>
public static class ReferenceCommand
{
    public static (string Tool, string[] Args) For(string command, string format, string image, string dir) => command switch
    {
        "qemu-img info" => ("qemu-img", ["info", "-f", format, image]),
        "qemu-img info -U" => ("qemu-img", ["info", "-U", "-f", format, image]),
        "qemu-img check" => ("qemu-img", ["check", "-f", format, image]),
        "qemu-img check -U" => ("qemu-img", ["check", "-U", "-f", format, image]),
        "qemu-img map" => ("qemu-img", ["map", "-f", format, image]),
        "qemu-img convert" => ("qemu-img", ["convert", "-f", format, "-O", "raw", image, Path.Combine(dir, "out.raw")]),
        "qemu-img convert -U" => ("qemu-img", ["convert", "-U", "-f", format, "-O", "raw", image, Path.Combine(dir, "out.raw")]),
        "qemu-img resize +1M" => ("qemu-img", ["resize", "-f", format, image, "+1M"]),
        "qemu-io -c 'write 0 4k'" => ("qemu-io", ["-f", format, "-c", "write 0 4k", image]),
        "qemu-io -r -c 'read 0 4k'" => ("qemu-io", ["-r", "-f", format, "-c", "read 0 4k", image]),
        "qemu-io -r -U -c 'read 0 4k'" => ("qemu-io", ["-r", "-U", "-f", format, "-c", "read 0 4k", image]),
        "qemu-io -U -c 'write 0 4k' (rw+U)" => ("qemu-io", ["-U", "-f", format, "-c", "write 0 4k", image]),
        "qemu-img create (overwrite)" => ("qemu-img", ["create", "-f", format, image, "16M"]),
        _ => throw new ArgumentException($"unknown reference command '{command}'"),
    };

    /// <summary>Commands that change the image when they are allowed to run.</summary>
    public static bool Modifies(string command) =>
        command is "qemu-img resize +1M" or "qemu-io -c 'write 0 4k'" or "qemu-img create (overwrite)";
}
