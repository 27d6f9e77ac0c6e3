namespace ImageLock.Package.Tests;

/// <summary>
/// A library of annotated methods covering every wrapper case callers and the compiler rely on, and a program that
/// calls each path overload the way nullable-aware code does. <see cref="Library"/> repeats <see cref="Cases"/> three
/// times (29 annotated methods each, 87 in all), as a real codebase repeats its patterns.
/// </summary>
public static class WrapperCases
{
    public const int Copies = 3;

    public static string Library => string.Join("\n", Enumerable.Range(0, Copies).Select(n => Cases.Replace("{N}", n.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    public static string Program => Header + string.Join("\n", Enumerable.Range(0, Copies).Select(n => Calls.Replace("{N}", n.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + "\nreturn 0;\n";

    /// <summary>29 annotated methods; <c>{N}</c> makes each copy's type names unique.</summary>
    public const string Cases = """
        namespace Consumer
        {
            using System;
            using System.Collections.Generic;
            using System.Diagnostics.CodeAnalysis;
            using System.Runtime.CompilerServices;
            using System.Threading;
            using System.Threading.Tasks;
            using ImageLock;

            // Interface member: the contract; the implementing class's member gets the path overload.
            public interface IStep{N}
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                long Run(ImageAccess image);
            }

            public partial class Step{N} : IStep{N}
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public long Run(ImageAccess image) => image.Length;
            }

            // Abstract and virtual members, and annotated overrides whose overloads hide the base's with `new`.
            public abstract partial class Base{N}
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public abstract long Size(ImageAccess image);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public virtual long Twice(ImageAccess image) => image.Length * 2;
            }

            public partial class Derived{N} : Base{N}
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public override long Size(ImageAccess image) => image.Length;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public override long Twice(ImageAccess image) => image.Length + image.Length;
            }

            public partial class Cases{N}
            {
                private string _header;

                public Cases{N}(string path) => Load(path); // [MemberNotNull] through the overload: no CS8618

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                [MemberNotNull(nameof(_header))]
                public void Load(ImageAccess image) => _header = image.ImagePath;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public bool TryHeader(ImageAccess image, [NotNullWhen(true)] out string? header)
                {
                    header = image.Length >= 0 ? _header : null;
                    return header is not null;
                }

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                [return: NotNullIfNotNull(nameof(fallback))]
                public string? OrDefault(ImageAccess image, string? fallback) => image.Length >= 0 ? fallback : fallback + "";

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                [DoesNotReturn]
                public void Fail(ImageAccess image, string reason) => throw new InvalidOperationException(reason + " " + image.ImagePath);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static string Where(
                    ImageAccess image,
                    string label,
                    [CallerArgumentExpression(nameof(label))] string labelText = "",
                    [CallerMemberName] string member = "",
                    [CallerFilePath] string file = "",
                    [CallerLineNumber] int line = 0)
                    => $"{member}:{line}:{labelText}:{System.IO.Path.GetFileName(file)}:{image.Length}";

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                [Obsolete("Use Size instead.")]
                public long OldSize(ImageAccess image) => image.Length;

                [Obsolete("Use Size instead.")]
                public long OldSizeCaller(string path) => OldSize(path); // an obsolete caller may call it without CS0618

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static int Measure<T>(ImageAccess image, T value) where T : allows ref struct => (int)image.Length;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static T First<T>(ImageAccess image, IReadOnlyList<T> items) where T : notnull => items[(int)(image.Length % items.Count)];

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static TValue Pick<TKey, TValue>(ImageAccess image, IDictionary<TKey, TValue> map, TKey key)
                    where TKey : notnull
                    where TValue : class, new()
                    => image.Length >= 0 && map.TryGetValue(key, out var value) ? value : new TValue();

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public async Task<int> ReadAsync(ImageAccess image, long offset, CancellationToken ct)
                {
                    var buffer = new byte[4];
                    return await image.ReadAsync(offset, buffer, ct).ConfigureAwait(false);
                }

                [RequiresImageAccess(Perm.Read | Perm.Write, Unshare.Write)]
                public async Task WriteAsync(ImageAccess image, ReadOnlyMemory<byte> data, CancellationToken ct = default) =>
                    await image.WriteAsync(0, data, ct).ConfigureAwait(false);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public ValueTask<long> LengthAsync(ImageAccess image) => new(image.Length);

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public ValueTask Touch(ImageAccess image) => image.Length >= 0 ? default : throw new InvalidOperationException();

                [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = 100)]
                public long Waits(ImageAccess image) => image.Length;

                [RequiresImageAccess(Perm.Read, Unshare.Write, WaitMilliseconds = -1)]
                public long WaitsUntilCancelled(ImageAccess image, CancellationToken ct) => ct.IsCancellationRequested ? 0 : image.Length;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static bool TryCount(ImageAccess image, string text, out int value, ref int tries, in long limit)
                {
                    tries++;
                    value = text.Length;
                    return image.Length < limit;
                }

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static int Sum(ImageAccess image, params int[] values) => values.Length + (int)image.Length;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static string Describe(ImageAccess image, string? label = null, int depth = 3, Perm extra = Perm.Read | Perm.Write, double ratio = 0.5)
                    => $"{label ?? image.ImagePath}:{depth}:{extra}:{ratio}";
            }

            public static partial class Extensions{N}
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static long SizeOf(this Cases{N} cases, ImageAccess image) => image.Length + cases.GetHashCode() * 0;
            }

            public partial record Named{N}(string Name)
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public string Tag(ImageAccess image) => Name + image.Length;
            }

            public partial struct Cursor{N}
            {
                public long Position;

                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public readonly long Remaining(ImageAccess image) => image.Length - Position;
            }

            public partial class Outer{N}<T> where T : class
            {
                public partial class Inner
                {
                    [RequiresImageAccess(Perm.Read, Unshare.Write)]
                    public T? Find(ImageAccess image, T? item) => image.Length >= 0 ? item : null;
                }
            }

        #nullable disable
            public static partial class Oblivious{N}
            {
                [RequiresImageAccess(Perm.Read, Unshare.Write)]
                public static int Count(ImageAccess image, string label, object[] items) => (label?.Length ?? 0) + (items?.Length ?? 0) + (int)image.Length;
            }
        #nullable restore
        }
        """;

    private const string Header = """
        using Consumer;

        string path = args[0];
        long total = 0;

        """;

    /// <summary>Calls every path overload of one copy, relying on each contract the overload must carry.</summary>
    private const string Calls = """
        {
            IStep{N} step = new Step{N}();
            total += new Step{N}().Run(path);
            total += new Derived{N}().Size(path) + new Derived{N}().Twice(path);
            Base{N} viaBase = new Derived{N}();
            total += viaBase.Size(path) + viaBase.Twice(path); // the base's overload calls the member virtually
            var cases = new Cases{N}(path);
            if (cases.TryHeader(path, out var header)) total += header.Length;                     // [NotNullWhen(true)]
            total += cases.OrDefault(path, "fallback").Length;                                      // [NotNullIfNotNull]
            string? reason = total >= 0 ? null : "negative";
            if (reason is not null) cases.Fail(path, reason);                                      // [DoesNotReturn]
            Console.WriteLine(Cases{N}.Where(path, path.ToUpperInvariant()));                     // caller info: this line
            Span<byte> span = stackalloc byte[1];
            total += Cases{N}.Measure(path, span);                                                  // allows ref struct
            total += Cases{N}.First(path, new[] { 1, 2 });
            total += Cases{N}.Pick(path, new Dictionary<string, List<int>>(), "k").Count;
            total += await cases.ReadAsync(path, 0, CancellationToken.None);
            await cases.WriteAsync(path, new byte[] { 1 });
            total += await cases.LengthAsync(path);
            await cases.Touch(path);
            total += cases.Waits(path) + cases.WaitsUntilCancelled(path, CancellationToken.None);
            int tries = 0;
            if (Cases{N}.TryCount(path, "text", out int counted, ref tries, 1L << 40)) total += counted + tries;
            total += Cases{N}.Sum(path, 1, 2, 3) + Cases{N}.Sum(path);
            total += Cases{N}.Describe(path).Length + Cases{N}.Describe(path, "label", depth: 1).Length;
            total += cases.SizeOf(path);
            total += new Named{N}("n").Tag(path).Length;
            total += new Cursor{N}().Remaining(path);
            total += new Outer{N}<string>.Inner().Find(path, "x")?.Length ?? 0;
            total += Oblivious{N}.Count(path, null, null);                                          // #nullable disable body
            total += step.GetHashCode() * 0;
            Console.WriteLine(total);
        }
        """;
}
