using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using ImageLock.Generators.Models;
using ImageLock.Generators.Tests.Support;
using Microsoft.CodeAnalysis;

namespace ImageLock.Generators.Tests;

/// <summary>
/// The models that cross the pipeline hold only strings, enums, bools, ints and equatable arrays: nothing that pins a
/// compilation in memory or defeats the cache (ISymbol, Compilation, SyntaxNode, Location, ImmutableArray).
/// </summary>
public class ModelTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;
        using ImageLock;
        namespace App;
        public partial class Outer<T> where T : class
        {
            public partial record struct Inner
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = 10, LockBackingChain = true)]
                public async Task<T?> LoadAsync<TKey>(ImageAccess image, TKey key, CancellationToken ct, int retries = 3)
                    where TKey : notnull
                {
                    await Task.Yield();
                    return null;
                }
            }
        }
        """;

    private static readonly Type[] Forbidden =
        [typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel), typeof(Location), typeof(AttributeData)];

    private static readonly Type[] ModelTypes =
        [typeof(FileModel), typeof(TypeModel), typeof(WrapperModel), typeof(HierarchyInfo), typeof(TypeDeclarationInfo), typeof(ParameterModel), typeof(GrantModel)];

    [Fact]
    public void ModelTypesDeclareOnlyPlainValueMembers()
    {
        foreach (var model in ModelTypes)
        {
            foreach (var property in model.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var type = property.PropertyType;
                while (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>))
                    type = type.GetGenericArguments()[0];
                bool plain = type == typeof(string) || type == typeof(bool) || type == typeof(int) || type.IsEnum
                    || ModelTypes.Contains(type);
                Assert.True(plain, $"{model.Name}.{property.Name} is a {property.PropertyType}");
            }
        }
    }

    [Fact]
    public void PipelineOutputsHoldNoSymbolsOrCompilationObjects()
    {
        var driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(GeneratorHarness.Compile(Source));
        var run = driver.GetRunResult().Results.Single();

        var outputs = new[] { StepNames.Transform, StepNames.Wrappers, StepNames.AllWrappers, StepNames.Types }
            .SelectMany(step => run.TrackedSteps[step])
            .SelectMany(step => step.Outputs)
            .Select(output => output.Value)
            .ToArray();

        Assert.Contains(outputs, o => o is TypeModel); // the walk below looks at real models
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var output in outputs) Walk(output, "output", seen);
    }

    [Fact]
    public void IdenticalSourcesInSeparateCompilationsGiveEqualModels()
    {
        var first = TypeModels(Source);
        var second = TypeModels(Source);

        Assert.Single(first);
        Assert.Equal(first, second);
        Assert.Equal(first[0].GetHashCode(), second[0].GetHashCode());
        Assert.NotEqual(first, TypeModels(Source.Replace("WaitMilliseconds = 10", "WaitMilliseconds = 11")));
    }

    private static TypeModel[] TypeModels(string source)
    {
        var run = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(GeneratorHarness.Compile(source)).GetRunResult().Results.Single();
        return run.TrackedSteps[StepNames.Types].SelectMany(s => s.Outputs).Select(o => (TypeModel)o.Value).ToArray();
    }

    /// <summary>Visits every field reachable from <paramref name="value"/> and fails on a forbidden type.</summary>
    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        var type = value.GetType();
        Assert.False(Forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} is a {type}");
        Assert.False(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>) && path != "output",
            $"{path} is an ImmutableArray (compared by reference)");
        if (!type.IsValueType && !seen.Add(value)) return;

        if (value is IEnumerable items)
        {
            int i = 0;
            foreach (var item in items) Walk(item, $"{path}[{i++}]", seen);
            if (type.IsArray || type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>)) return;
        }
        foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
    }
}
