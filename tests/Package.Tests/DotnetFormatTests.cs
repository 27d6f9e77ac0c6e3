namespace ImageLock.Package.Tests;

/// <summary>The command docs/diagnostics gives for fixing IMGL0001 and IMGL0002 across a codebase, run for real on a
/// consumer of the packed package: <c>dotnet format analyzers</c> (part of the SDK) loads the package's analyzers and
/// code fixes from the project, and one run fixes both IDs.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class DotnetFormatTests(PackedFeed feed)
{
    private const string Tools = """
        using ImageLock;

        public partial class Tools
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public void Shrink(ImageAccess image) => image.SetLength(0);

            [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write)]
            public void Patch(ImageAccess image) => image.Write(0, new byte[1]);

            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public void Stamp(ImageAccess image) => Patch(image);
        }
        """;

    [Fact]
    public void One_dotnet_format_run_fixes_IMGL0001_and_IMGL0002()
    {
        var consumer = new Consumer(feed, "Format");
        consumer.Write("Tools.cs", Tools);
        consumer.Write("Program.cs", "System.Console.WriteLine();");
        var before = consumer.Build();
        Assert.Contains("error IMGL0001", before.Output);
        Assert.Contains("error IMGL0002", before.Output);

        // The command as docs/diagnostics/IMGL0001.md gives it.
        string format = Assert.Single(DocCommands.Of(feed.Checkout, "docs/diagnostics/IMGL0001.md")).Line;
        // docs/diagnostics/IMGL0002.md quotes the same command in its text.
        Assert.Contains(format, DocCommands.InlineOf(feed.Checkout, "docs/diagnostics/IMGL0002.md").Select(c => c.Line));
        Dotnet.Exec(consumer.Directory, feed.Environment, "bash", "-euo", "pipefail", "-c", format).EnsureSuccess();

        string fixedText = File.ReadAllText(Path.Combine(consumer.Directory, "Tools.cs"));
        Assert.Equal(Tools
            .Replace("""
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public void Shrink
                """, """
                [RequiresImageAccess(Perm.Read | Perm.Resize, Unshare.Write)]
                    public void Shrink
                """)
            .Replace("""
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public void Stamp
                """, """
                [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write)]
                    public void Stamp
                """), fixedText.ReplaceLineEndings("\n"));
        consumer.Build().EnsureSuccess();
    }
}
