namespace ImageLock;

/// <summary>An image could not be opened or locked. <see cref="Exception.Message"/> names the image and what to do.</summary>
public class ImageLockException : IOException
{
    /// <summary>Creates the exception.</summary>
    public ImageLockException(string imagePath, string message, int errno = 0, Exception? inner = null)
        : base(message, inner)
    {
        ImagePath = imagePath;
        Errno = errno;
    }

    /// <summary>The image the operation was about, as the caller named it.</summary>
    public string ImagePath { get; }

    /// <summary>The errno behind the failure, or 0 when none.</summary>
    public int Errno { get; }
}

/// <summary>The filesystem (or kernel) refused byte-range locks: ENOLCK, EINVAL, EOPNOTSUPP, or no OFD locks.</summary>
public sealed class ImageLockUnsupportedException : ImageLockException
{
    /// <summary>Creates the exception.</summary>
    public ImageLockUnsupportedException(string imagePath, string message, int errno = 0)
        : base(imagePath, message, errno) { }
}
