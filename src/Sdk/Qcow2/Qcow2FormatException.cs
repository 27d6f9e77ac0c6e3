namespace ImageLock;

/// <summary>A qcow2 header is corrupt or hostile: bad magic or version, an absurd backing name, a loop in the
/// backing chain, or a backing file that does not exist.</summary>
public sealed class Qcow2FormatException : ImageLockException
{
    /// <summary>Creates the exception.</summary>
    public Qcow2FormatException(string imagePath, string message) : base(imagePath, message) { }
}
