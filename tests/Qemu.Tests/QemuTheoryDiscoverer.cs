using Xunit.Abstractions;
using Xunit.Sdk;

namespace ImageLock.Qemu.Tests;

/// <summary>Skips the rows of a [QemuTheory] whose <c>version</c> (first parameter) is not installed here, one row at
/// a time, so the other versions still run.</summary>
public sealed class QemuTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions,
        ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow)
    {
        if (IsVersionRow(testMethod, dataRow) is string version && QemuVersions.SkipReason(version) is string reason)
            return CreateTestCasesForSkippedDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow, reason);
        return base.CreateTestCasesForDataRow(discoveryOptions, testMethod, theoryAttribute, dataRow);
    }

    private static string? IsVersionRow(ITestMethod testMethod, object[] dataRow) =>
        testMethod.Method.GetParameters().FirstOrDefault()?.Name == "version" && dataRow.Length > 0 ? dataRow[0] as string : null;
}
