namespace BackupTool;

/// <summary>A one-line percentage on a terminal; silent when stderr is redirected (scripts, CI).</summary>
internal sealed class TerminalProgress : IProgress<CopyProgress>
{
    private readonly bool _enabled = !Console.IsErrorRedirected;
    private int _lastPercent = -1;

    public void Report(CopyProgress value)
    {
        if (!_enabled) return;
        int percent = value.Length == 0 ? 100 : (int)(value.Copied * 100 / value.Length);
        if (percent == _lastPercent) return;
        _lastPercent = percent;
        Console.Error.Write($"\r{Path.GetFileName(value.Image)}: {percent,3}% of {value.Length / 1048576.0:0.0} MiB");
    }

    public void Done()
    {
        if (_enabled && _lastPercent >= 0) Console.Error.WriteLine();
    }
}
