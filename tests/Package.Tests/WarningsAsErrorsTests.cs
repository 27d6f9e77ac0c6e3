namespace ImageLock.Package.Tests;

/// <summary>A consumer of the packed package with 87 annotated methods covering every wrapper case (see
/// <see cref="WrapperCases"/>), built with -warnaserror: the generated overloads, the analyzers and the callers that
/// rely on the bodies' contracts produce no warning at all.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class WarningsAsErrorsTests(PackedFeed feed)
{
    [Fact]
    public void A_consumer_of_every_wrapper_case_builds_with_warnaserror_and_runs()
    {
        var consumer = new Consumer(feed, "EveryCase");
        consumer.Write("Library.cs", WrapperCases.Library);
        consumer.Write("Program.cs", WrapperCases.Program);

        var build = consumer.Build("-warnaserror");

        build.EnsureSuccess();
        Assert.DoesNotContain(": warning ", build.Output, StringComparison.Ordinal);
        Assert.Equal(87, WrapperCases.Library.Split("[RequiresImageAccess(").Length - 1);

        string image = Path.Combine(consumer.Directory, "disk.raw");
        File.WriteAllBytes(image, new byte[65536]);
        var run = consumer.Run(image).EnsureSuccess();

        // Caller info through the overloads is the consumer's: its member, line, argument text and file.
        var lines = WrapperCases.Program.Split('\n');
        for (int n = 0; n < WrapperCases.Copies; n++)
        {
            int line = Array.FindIndex(lines, l => l.Contains($"Cases{n}.Where(path, path.ToUpperInvariant())", StringComparison.Ordinal)) + 1;
            Assert.Contains($"<Main>$:{line}:path.ToUpperInvariant():Program.cs:65536", run.Output);
        }
        Assert.Equal(1, File.ReadAllBytes(image)[0]); // WriteAsync wrote through its lease
    }
}
