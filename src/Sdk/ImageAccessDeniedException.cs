namespace ImageLock;

/// <summary>An <see cref="ImageAccess"/> operation needs a permission the lease was not granted.</summary>
public sealed class ImageAccessDeniedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ImageAccessDeniedException(string imagePath, string operation, string requirement, Perm granted, Unshare unshare)
        : base($"'{operation}' requires {requirement}; the lease on [{imagePath}] is granted only " +
               $"perm={PermNames.Format(granted)} unshare={PermNames.Format(unshare)}. Add the permission to the lease " +
               "(or to the method's [RequiresImageAccess]).")
    {
        ImagePath = imagePath;
        Operation = operation;
    }

    /// <summary>The image.</summary>
    public string ImagePath { get; }

    /// <summary>The refused operation, e.g. "SetLength".</summary>
    public string Operation { get; }
}
