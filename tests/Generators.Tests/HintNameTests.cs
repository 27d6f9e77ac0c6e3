using ImageLock.Generators.Tests.Support;

namespace ImageLock.Generators.Tests;

/// <summary>Output file names follow the documented rule and the output does not depend on the order of input files.</summary>
public class HintNameTests
{
    [Fact]
    public void NamesJoinNamespaceAndTypesWithTypeParametersInBracesAndEscapeTheRest()
    {
        var (result, _) = GeneratorHarness.Run("""
            using ImageLock;
            namespace Ns.Sub
            {
                public partial class Outer<T>
                {
                    public partial class Inner<K, V>
                    {
                        [RequiresImageAccess(Perm.Read)] public void A(ImageAccess image) { }
                    }
                }
                public partial class Größe
                {
                    [RequiresImageAccess(Perm.Read)] public void B(ImageAccess image) { }
                }
            }
            public partial class @class
            {
                [RequiresImageAccess(Perm.Read)] public void C(ImageAccess image) { }
            }
            """);

        Assert.Equal(
            ["Ns.Sub.Gr_u00F6_u00DFe.g.cs", "Ns.Sub.Outer{T}.Inner{K,V}.g.cs", "class.g.cs"],
            GeneratorHarness.Generated(result).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OutputIsTheSameWhateverTheOrderOfInputFiles()
    {
        string one = "using ImageLock; public partial class P { [RequiresImageAccess(Perm.Read)] public void Z(ImageAccess image) { } }";
        string two = "using ImageLock; public partial class P { [RequiresImageAccess(Perm.Write)] public void A(ImageAccess image) { } }";
        string three = "using ImageLock; public partial class Q { [RequiresImageAccess(Perm.Read)] public void M(ImageAccess image) { } }";

        var forwards = GeneratorHarness.Generated(GeneratorHarness.Run(one, two, three).Result);
        var backwards = GeneratorHarness.Generated(GeneratorHarness.Run(three, two, one).Result);

        Assert.Equal(forwards.OrderBy(kv => kv.Key, StringComparer.Ordinal), backwards.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.True(forwards["P.g.cs"].IndexOf(" A(string", StringComparison.Ordinal) < forwards["P.g.cs"].IndexOf(" Z(string", StringComparison.Ordinal));
    }
}
