using System.Reflection;
using ImageLock.Analyzers.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ImageLock.Analyzers.Tests;

/// <summary>The rule catalogue stays consistent: docs, help links, release tracking, configurability.</summary>
public class DescriptorTests
{
    private static readonly DiagnosticDescriptor[] All = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    private static readonly string RepoRoot = FindRepoRoot();

    public static TheoryData<string> Ids => new(All.Select(d => d.Id));

    [Fact]
    public void Ids_are_unique_and_sequential()
    {
        Assert.Equal(Enumerable.Range(1, 11).Select(i => $"IMGL{i:0000}"), All.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_rule_has_a_doc_page_with_wrong_and_right_examples_and_a_matching_help_link(string id)
    {
        var descriptor = All.Single(d => d.Id == id);
        string page = Path.Combine(RepoRoot, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), page);
        string text = File.ReadAllText(page);
        Assert.Contains("## Wrong", text);
        Assert.Contains("## Right", text);
        Assert.EndsWith("/docs/diagnostics/" + id + ".md", descriptor.HelpLinkUri);
        Assert.False(descriptor.Title.ToString().EndsWith('.'));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_rule_is_in_the_unshipped_release_file_with_its_severity(string id)
    {
        var descriptor = All.Single(d => d.Id == id);
        var lines = File.ReadAllLines(Path.Combine(RepoRoot, "src", "Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains(lines, l => l.StartsWith($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_rule_is_configurable_and_the_core_rules_are_errors()
    {
        Assert.DoesNotContain(All, d => d.CustomTags.Contains(WellKnownDiagnosticTags.NotConfigurable));
        Assert.Equal(DiagnosticSeverity.Error, DiagnosticDescriptors.OperationNotGranted.DefaultSeverity);
        Assert.Equal(DiagnosticSeverity.Info, DiagnosticDescriptors.UnprotectedRead.DefaultSeverity);
    }

    [Fact]
    public void Every_rule_is_reported_by_some_analyzer()
    {
        var supported = typeof(PermissionAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .SelectMany(t => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics)
            .Select(d => d.Id);
        Assert.Equal(All.Select(d => d.Id).Order(), supported.Distinct().Order());
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ImageLockSdk.sln"))) return dir.FullName;
        throw new InvalidOperationException("ImageLockSdk.sln not found");
    }
}
