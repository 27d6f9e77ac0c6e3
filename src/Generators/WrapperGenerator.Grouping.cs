using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using ImageLock.Generators.Models;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>Groups wrapper models into one model per output file, in ordinal order so output is deterministic.</summary>
    internal static class Grouping
    {
        public static ImmutableArray<TypeModel> ByContainingType(ImmutableArray<Models.WrapperModel> all) =>
            all.GroupBy(w => w.Containing.HintName, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new TypeModel(
                    g.First().Containing,
                    g.OrderBy(w => w.SortKey, StringComparer.Ordinal).ToEquatableArray()))
                .ToImmutableArray();
    }
}
