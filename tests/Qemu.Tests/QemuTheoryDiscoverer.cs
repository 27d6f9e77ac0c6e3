using Xunit.Abstractions;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests;

/// <summary>Skips the rows of a [QemuTheory] that name a QEMU version not installed here (a string parameter called
/// <c>version</c> or ending in <c>Version</c>), one row at a time, so the other versions still run.</summary>
public sealed class QemuTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
    {
        foreach (var version in Versions(testMethod, dataRow))
            if (QemuVersions.SkipReason(version) is string reason)
                return CreateTestCasesForSkippedDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow, reason);
        return base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);
    }

    private static IEnumerable<string> Versions(ITestMethod testMethod, object[] dataRow) =>
        testMethod.Method.GetParameters().Select((p, i) => (p.Name, Value: i < dataRow.Length ? dataRow[i] as string : null))
            .Where(p => p.Value is not null && (p.Name == "version" || p.Name.EndsWith("Version", StringComparison.Ordinal)))
            .Select(p => p.Value!);
}
