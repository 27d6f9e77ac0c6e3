using System.Diagnostics;
using System.Text.Json.Nodes;
using Json.Schema;
using ImageLock.Cli.Tests.Support;
using ImageLock.Tests.Support;

namespace ImageLock.Cli.Tests;

/// <summary>Real outputs of <c>status --json</c> (one image, a graph, the host, errors) validate against the shipped
/// docs/imagelock-status.schema.json; documents that break it are refused, so the check can fail.</summary>
public sealed class JsonSchemaTests
{
    private static readonly JsonSchema Schema =
        JsonSchema.FromText(File.ReadAllText(Repository.File("docs/imagelock-status.schema.json")));

    private static void AssertValid(string json)
    {
        var result = Schema.Evaluate(JsonNode.Parse(json), new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "not valid against the schema:\n" + string.Join("\n",
            result.Details.Where(d => d.HasErrors).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))) + "\n" + json);
    }

    private static bool IsValid(string json) => Schema.Evaluate(JsonNode.Parse(json)).IsValid;

    [Fact]
    public void Real_outputs_validate()
    {
        using var image = new TempImage(name: "dïsk.raw");
        Qcow2Writer.Create(image.Sibling("vm.qcow2"));
        using var holder = Imagelock.Start("hold", "--perm", "read,write", "--unshare", "write", image.Path);
        CliFacts.WaitHeld(image.Path, holder, Perm.Read | Perm.Write, Unshare.Write);
        using var lease = ImageLease.Acquire(image.Path, Perm.Read, Unshare.None);
        using var flock = Locker.Flock(image.Path);                                 // other_locks: a flock
        using var range = Locker.Fcntl("ofd", "write", "300", "EOF", image.Path);   // and a range to EOF (end null)

        var outputs = new[]
        {
            Imagelock.Run("status", "--json", image.Path),
            Imagelock.Run("status", "-J", image.Directory),
            Imagelock.Run("status", "-J", "-f", "qcow2", image.Sibling("vm.qcow2")),
            Imagelock.Run("status", "-J"),
            Imagelock.Run("status", "-J", image.Sibling("missing.raw")),
            Imagelock.Run("status", "-J", "--bogus"),
        };
        foreach (var r in outputs)
        {
            Assert.True(r.Out.Length > 0, CliFacts.Describe(r));
            AssertValid(r.Out);
        }
        Assert.Contains(image.Path, outputs[3].Out); // the host listing has the held image in it
        Assert.Contains("\"kind\": \"flock\"", outputs[0].Out);
        Assert.Contains("\"kind\": \"range\"", outputs[3].Out);
    }

    [Theory]
    [InlineData("""{"version":2,"images":[]}""")]
    [InlineData("""{"images":[]}""")]
    [InlineData("""[]""")]
    [InlineData("""{"version":1,"images":[{"path":"a","perm":["read"],"unshare":[],"legacy_perm":false,"legacy_unshare":false,"holders_complete":true,"holders":[]}]}""")]
    [InlineData("""{"version":1,"images":[{"path":"a","perm":[],"unshare":[],"legacy_perm":false,"legacy_unshare":false,"holders_complete":true}]}""")]
    [InlineData("""{"version":1,"error":{"code":"oops","message":"m"}}""")]
    [InlineData("""{"version":1,"images":[{"path":"a","perm":[],"unshare":[],"legacy_perm":false,"legacy_unshare":false,"holders_complete":true,"holders":[],"other_locks":[{"pid":1,"fd":3,"command":"x","kind":"fcntl","type":"POSIX","mode":"WRITE","start":0,"end":0,"qemu_bytes":[]}]}]}""")]
    [InlineData("""{"version":1,"images":[{"path":"a","perm":[],"unshare":[],"legacy_perm":false,"legacy_unshare":false,"holders_complete":true,"holders":[],"other_locks":[{"pid":1,"fd":3,"command":"x","kind":"range","type":"POSIX","mode":"WRITE","start":0,"end":null,"qemu_bytes":[99]}]}]}""")]
    public void Documents_that_break_the_schema_are_refused(string json)
    {
        Assert.False(IsValid(json));
        Assert.True(IsValid("""{"version":1,"images":[{"path":"a","perm":[],"unshare":[],"legacy_perm":false,"legacy_unshare":false,"holders_complete":true,"holders":[]}]}"""));
    }
}
