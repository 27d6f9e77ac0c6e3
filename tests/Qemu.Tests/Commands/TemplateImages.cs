using ImageLock.Qemu.Tests.Fixtures;

namespace ImageLock.Qemu.Tests.Commands;

/// <summary>Class fixture: one patterned image per format, copied for each case (cheaper than qemu-img per case).</summary>
public sealed class TemplateImages : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Dictionary<string, string> _images = new();

    public string CopyTo(string format, string target)
    {
        lock (_images)
        {
            if (!_images.TryGetValue(format, out var template))
                _images[format] = template = _dir.CreateImage($"template.{format}", format);
            File.Copy(template, target, overwrite: true);
        }
        return target;
    }

    public void Dispose() => _dir.Dispose();
}
