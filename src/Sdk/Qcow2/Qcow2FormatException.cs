namespace ImageLock;

/// <summary>QEMU would not open the image as qcow2, or its graph cannot be held: bad magic or version, an unsupported
/// feature, a name QEMU refuses, a backing chain that loops.</summary>
public sealed class Qcow2FormatException : ImageLockException
{
    /// <summary>Creates the exception.</summary>
    public Qcow2FormatException(string imagePath, string message) : base(imagePath, message) { }
}
