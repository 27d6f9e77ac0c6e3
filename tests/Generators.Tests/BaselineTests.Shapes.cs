namespace ImageLock.Generators.Tests;

/// <summary>Baselines for the signature shapes users write: parameters, defaults, generics, nesting, nullability.</summary>
public partial class BaselineTests
{
    [Fact]
    public void RefInOutParamsAndPathNameCollision() => AssertBaseline("""
        using ImageLock;
        namespace Shapes;
        public partial class Refs
        {
            [RequiresImageAccess(Perm.Read)]
            public bool Probe(ref int position, in long limit, ImageAccess image, out byte first, params int[] more)
            {
                first = 0;
                position++;
                return limit > more.Length;
            }

            [RequiresImageAccess(Perm.Read)]
            public void ReadOnlyRef(ImageAccess image, ref readonly System.Guid id) { }

            // 'image' would become 'imagePath', which is taken: the rule appends 2, 3, ...
            [RequiresImageAccess(Perm.Read)]
            public void Taken(string imagePath, ImageAccess image, string imagePath2, int lease) { }

            // Keyword names stay escaped.
            [RequiresImageAccess(Perm.Read)]
            public void Keywords(ImageAccess @class, int @event) { }
        }
        """);

    [Fact]
    public void DefaultValues() => AssertBaseline("""
        using System;
        using ImageLock;
        namespace Shapes;
        [Flags] public enum Mode : short { None = 0, A = 1, B = 2, Negative = -1 }
        public struct Point { public int X; }
        public partial class Defaults
        {
            [RequiresImageAccess(Perm.Read)]
            public void Everything(
                ImageAccess image,
                string text = "tab\t\"quoted\" \\ \u00e9",
                string? none = null,
                char c = '\'',
                char nul = '\0',
                bool flag = true,
                int number = -42,
                long big = long.MinValue,
                ulong huge = ulong.MaxValue,
                uint unsigned = 7,
                byte small = 255,
                float single = 1.5f,
                double nan = double.NaN,
                double inf = double.NegativeInfinity,
                double tiny = 1e-300,
                decimal money = 12.34m,
                Mode mode = Mode.A | Mode.B,
                Mode negative = Mode.Negative,
                Mode? maybeMode = Mode.B,
                Perm perm = Perm.Read,
                int? maybe = 3,
                int? nothing = null,
                Point origin = default,
                DateTime when = default,
                object? boxed = null)
            { }

            [RequiresImageAccess(Perm.Read)]
            public T Generic<T>(ImageAccess image, T fallback = default!) => fallback;
        }
        """);

    [Fact]
    public void Generics() => AssertBaseline("""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ImageLock;
        namespace Shapes;
        public partial class Repository<TKey, TValue>
            where TKey : notnull, IComparable<TKey>
            where TValue : class, new()
        {
            [RequiresImageAccess(Perm.Read)]
            public TValue Load(ImageAccess image, TKey key) => new();

            [RequiresImageAccess(Perm.Read | Perm.Write)]
            public async Task<IReadOnlyList<TResult>> MapAsync<TResult, TState>(ImageAccess image, TState state, Func<TState, TResult> map, CancellationToken ct)
                where TResult : class?
                where TState : struct, IEquatable<TState>
            {
                await Task.Yield();
                return new[] { map(state) };
            }

            [RequiresImageAccess(Perm.Read)]
            public static TUnmanaged Peek<TUnmanaged, TNew, TAny>(ImageAccess image, TNew factory, TAny? any)
                where TUnmanaged : unmanaged
                where TNew : IDisposable, new()
                => default;

            [RequiresImageAccess(Perm.Read)]
            public (int Count, string Name) Tuple(ImageAccess image, (long Offset, int Length) range, Dictionary<string, List<int?>> map) => (0, "");
        }
        """);

    [Fact]
    public void NestedTypesRecordsAndStructs() => AssertBaseline("""
        using ImageLock;
        namespace Outer.Space
        {
            public partial record Catalog(string Name)
            {
                internal partial record struct Entry<T>(T Value)
                {
                    private partial class Deep
                    {
                        [RequiresImageAccess(Perm.Read)]
                        protected void Scan(ImageAccess image) { }
                    }

                    [RequiresImageAccess(Perm.Read)]
                    public readonly T Peek(ImageAccess image) => Value;

                    [RequiresImageAccess(Perm.Write)]
                    public void Mutate(ImageAccess image, T value) => Value = value;
                }
            }

            public readonly partial struct Snapshot
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public int Size(ImageAccess image) => (int)image.Length;
            }

            public partial struct Cursor
            {
                private long _position;

                [RequiresImageAccess(Perm.Read)]
                public readonly long Where(ImageAccess image) => _position;

                [RequiresImageAccess(Perm.Read)]
                public void Advance(ImageAccess image, long by) => _position += by;
            }
        }
        """);

    [Fact]
    public void GlobalNamespaceStaticAndExtension() => AssertBaseline("""
        using ImageLock;
        public static partial class ImageExtensions
        {
            [RequiresImageAccess(Perm.Read)]
            public static long Measure(this ImageAccess image) => image.Length;

            [RequiresImageAccess(Perm.Write)]
            public static void Fill(this byte[] pattern, ImageAccess image) => image.Write(0, pattern);
        }
        """);

    [Fact]
    public void NullableAnnotations() => AssertBaseline("""
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ImageLock;
        namespace Shapes;
        public partial class Nullables
        {
            [RequiresImageAccess(Perm.Read)]
            public string? Describe(ImageAccess? image, string? label, List<string?>? names) => label;

            [RequiresImageAccess(Perm.Read)]
            public Task<object?> FindAsync(ImageAccess image, int[]?[] jagged) => Task.FromResult<object?>(null);
        }

        #nullable disable
        public partial class Oblivious
        {
            [RequiresImageAccess(Perm.Read)]
            public string Name(ImageAccess image, string label) => label;
        }
        """);

    [Fact]
    public void OverridesHideTheBaseWrapper() => AssertBaseline("""
        using ImageLock;
        namespace Shapes;
        public abstract partial class Job
        {
            [RequiresImageAccess(Perm.Read)]
            public abstract void Run(ImageAccess image);

            [RequiresImageAccess(Perm.Read)]
            public virtual int Check(ImageAccess image) => 0;
        }

        public partial class StrictJob : Job
        {
            [RequiresImageAccess(Perm.Read, Unshare.Write)]
            public override void Run(ImageAccess image) { }

            [RequiresImageAccess(Perm.Read)]
            public override int Check(ImageAccess image) => 1;
        }
        """);

    [Fact]
    public void PartialTypeAcrossMembersIsOneFileInStableOrder() => AssertBaseline("""
        using ImageLock;
        namespace Shapes;
        public partial class Many
        {
            [RequiresImageAccess(Perm.Read)] public void Zeta(ImageAccess image) { }
            [RequiresImageAccess(Perm.Read)] public void Alpha(ImageAccess image, int x) { }
            [RequiresImageAccess(Perm.Read)] public void Alpha(ImageAccess image) { }
            [RequiresImageAccess(Perm.Read)] public void Mid(ImageAccess image) { }
        }
        public partial class Many
        {
            [RequiresImageAccess(Perm.Read)] public void Beta(ImageAccess image) { }
        }
        public partial class Other<T>
        {
            [RequiresImageAccess(Perm.Read)] public void Only(ImageAccess image) { }
        }
        """);
}
