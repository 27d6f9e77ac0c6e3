using System.Collections.Generic;
using System.Linq;
using System.Threading;
using ImageLock.Generators.Models;
using ImageLock.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ImageLock.Generators;

public sealed partial class WrapperGenerator
{
    /// <summary>
    /// Turns an annotated method into a <see cref="WrapperModel"/>, or null when the shape cannot be wrapped.
    /// Nothing symbol- or syntax-shaped leaves this class.
    /// </summary>
    internal static class Parser
    {
        /// <summary>The wrappers of every file that has any, in compilation order: the semantic transform.</summary>
        public static IEnumerable<FileModel> Files(Compilation compilation, CancellationToken cancellationToken)
        {
            var trees = compilation.SyntaxTrees.Select(t => (Tree: t, Facts: TreeFacts.Of(t, cancellationToken))).ToList();
            var names = AttributeNames.In(trees.Select(t => t.Facts));
            foreach (var (tree, facts) in trees)
            {
                SemanticModel? semanticModel = null;
                var wrappers = new List<WrapperModel>();
                foreach (var candidate in facts.Candidates)
                {
                    if (!candidate.AttributeNames.Any(names.Contains))
                        continue;
                    cancellationToken.ThrowIfCancellationRequested();
                    semanticModel ??= compilation.GetSemanticModel(tree);
                    if (semanticModel.GetDeclaredSymbol(candidate.Node, cancellationToken) is not IMethodSymbol method)
                        continue;
                    var attributes = AttributesOn(candidate.Node, method, cancellationToken);
                    if (attributes.Count > 0 && TryCreate(method, attributes, semanticModel, candidate.Node, cancellationToken) is { } wrapper)
                        wrappers.Add(wrapper);
                }
                if (wrappers.Count > 0)
                    yield return new FileModel(tree.FilePath, wrappers.ToEquatableArray());
            }
        }

        /// <summary>The <c>[RequiresImageAccess]</c> attributes written on this declaration (a partial method's
        /// symbol merges both parts' attributes; as ForAttributeWithMetadataName, only this part's count).</summary>
        private static List<AttributeData> AttributesOn(MethodDeclarationSyntax node, IMethodSymbol method, CancellationToken cancellationToken) =>
            method.GetAttributes().Concat(method.GetReturnTypeAttributes())
                .Where(a => a.ApplicationSyntaxReference is { } reference
                    && reference.SyntaxTree == node.SyntaxTree
                    && a.AttributeClass?.ToDisplayString() == KnownNames.RequiresImageAccessAttribute
                    && reference.GetSyntax(cancellationToken).Parent?.Parent == node)
                .ToList();

        private static WrapperModel? TryCreate(
            IMethodSymbol method, List<AttributeData> attributes, SemanticModel semanticModel, MethodDeclarationSyntax node,
            CancellationToken cancellationToken)
        {
            if (attributes.Count != 1)
                return null;
            if (Shapes.Unsupported(method, cancellationToken))
                return null;
            int imageIndex = Shapes.SingleImageAccessIndex(method);
            if (imageIndex < 0)
                return null;
            if (Grants.TryRead(attributes[0]) is not GrantModel grant)
                return null;
            if (Collisions.Find(method, imageIndex, semanticModel.Compilation) is not bool hidesInheritedWrapper)
                return null;

            cancellationToken.ThrowIfCancellationRequested();
            var shape = Shapes.ReturnShapeOf(method);
            var reserved = new HashSet<string>(
                method.Parameters.Select(p => p.Name).Concat(method.TypeParameters.Select(t => t.Name)),
                System.StringComparer.Ordinal);
            string imageName = method.Parameters[imageIndex].Name;
            string pathName = Names.Unique(imageName + "Path", reserved);
            reserved.Add(pathName);
            string leaseName = Names.Unique("lease", reserved);

            var parameters = method.Parameters
                .Select((p, i) => i == imageIndex ? PathParameter(pathName) : Signatures.ParameterModelOf(p, imageName, pathName))
                .ToEquatableArray();
            var token = method.Parameters.FirstOrDefault(p =>
                p.RefKind == RefKind.None && Signatures.IsCancellationToken(p.Type));

            return new WrapperModel(
                Containing: Hierarchies.Of(method.ContainingType),
                Name: Names.Escape(method.Name),
                Accessibility: Names.AccessibilityOf(method.DeclaredAccessibility),
                IsStatic: method.IsStatic,
                IsReadOnly: method.IsReadOnly && !method.ContainingType.IsReadOnly,
                IsNew: hidesInheritedWrapper,
                TypeParameters: method.TypeParameters.Select(t => Names.Escape(t.Name)).ToEquatableArray(),
                Constraints: method.TypeParameters.Select(Signatures.ConstraintClause).Where(c => c is not null).Select(c => c!).ToEquatableArray(),
                Shape: shape,
                ReturnType: method.ReturnType.ToDisplayString(Signatures.TypeFormat),
                Parameters: parameters,
                PathParameterIndex: imageIndex,
                LeaseName: leaseName,
                CancellationTokenName: token is null ? null : Names.Escape(token.Name),
                Grant: grant,
                DocCref: Signatures.Cref(method),
                SortKey: method.Name + "(" + OverloadKeys.Of(method, imageIndex) + ")`" + method.TypeParameters.Length,
                Attributes: Attributes.Of(method.GetAttributes(), imageName, pathName),
                ReturnAttributes: Attributes.Of(method.GetReturnTypeAttributes(), imageName, pathName),
                DoesNotReturn: method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Diagnostics.CodeAnalysis.DoesNotReturnAttribute"),
                NullableAnnotations: semanticModel.GetNullableContext(node.SpanStart).AnnotationsEnabled());
        }

        private static ParameterModel PathParameter(string name) =>
            new(Names.Escape(name), "string", "", IsParams: false, IsThis: false, IsScoped: false, DefaultValue: null,
                EquatableArray<string>.Empty);
    }

    /// <summary>Which methods the generator can wrap at all.</summary>
    internal static class Shapes
    {
        /// <summary>True for every shape the generator skips (the analyzers explain why).</summary>
        public static bool Unsupported(IMethodSymbol method, CancellationToken cancellationToken)
        {
            if (method.MethodKind != MethodKind.Ordinary || method.IsVararg)
                return true;
            if (method.ReturnsByRef || method.ReturnsByRefReadonly || IsPointer(method.ReturnType))
                return true;
            if (method.IsAsync && method.ReturnsVoid)
                return true; // async void returns at its first await: the lease would be released under the body
            if (!ContainersArePartial(method.ContainingType, cancellationToken) || method.ContainingType.IsRefLikeType)
                return true;
            if (method.Parameters.Any(p => p.Type.IsRefLikeType || IsPointer(p.Type)))
                return true;
            if (IsAsyncShape(ReturnShapeOf(method)) && method.Parameters.Any(p => p.RefKind != RefKind.None))
                return true; // an async wrapper cannot take ref/in/out parameters
            return IsIterator(method, cancellationToken);
        }

        /// <summary>Index of the one by-value <c>ImageAccess</c> parameter without default, or -1.</summary>
        public static int SingleImageAccessIndex(IMethodSymbol method)
        {
            int found = -1;
            for (int i = 0; i < method.Parameters.Length; i++)
            {
                if (!IsImageAccess(method.Parameters[i].Type)) continue;
                if (found >= 0) return -1;
                found = i;
            }
            if (found < 0) return -1;
            var image = method.Parameters[found];
            return image.RefKind == RefKind.None && !image.HasExplicitDefaultValue && !image.IsParams ? found : -1;
        }

        public static bool IsImageAccess(ITypeSymbol type) =>
            type is INamedTypeSymbol { Name: KnownNames.ImageAccess, ContainingType: null } named
            && named.ContainingNamespace is { Name: KnownNames.ImageLockNamespace, ContainingNamespace.IsGlobalNamespace: true };

        public static ReturnShape ReturnShapeOf(IMethodSymbol method)
        {
            if (method.ReturnsVoid) return ReturnShape.Void;
            if (method.ReturnType is not INamedTypeSymbol named
                || named.ContainingNamespace?.ToDisplayString() != "System.Threading.Tasks")
                return ReturnShape.Value;
            return (named.Name, named.Arity) switch
            {
                ("Task", 0) => ReturnShape.Task,
                ("Task", 1) => ReturnShape.TaskOfT,
                ("ValueTask", 0) => ReturnShape.ValueTask,
                ("ValueTask", 1) => ReturnShape.ValueTaskOfT,
                _ => ReturnShape.Value,
            };
        }

        public static bool IsAsyncShape(ReturnShape shape) => shape is not (ReturnShape.Void or ReturnShape.Value);

        private static bool IsPointer(ITypeSymbol type) =>
            type is IPointerTypeSymbol or IFunctionPointerTypeSymbol
            || (type is IArrayTypeSymbol array && IsPointer(array.ElementType));

        /// <summary>Every type from the method's up to the outermost must be a partial class, struct or record,
        /// and none file-local (a generated partial in another file would be a different type).</summary>
        private static bool ContainersArePartial(INamedTypeSymbol? type, CancellationToken cancellationToken)
        {
            for (; type is not null; type = type.ContainingType)
            {
                if (type.TypeKind is not (TypeKind.Class or TypeKind.Struct) || type.IsFileLocal)
                    return false;
                if (type.DeclaringSyntaxReferences.Length == 0)
                    return false;
                foreach (var reference in type.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                        || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                        return false;
                }
            }
            return true;
        }

        /// <summary>A body with <c>yield</c> (outside nested functions) is an iterator: its lease would outlive nothing.</summary>
        private static bool IsIterator(IMethodSymbol method, CancellationToken cancellationToken)
        {
            var parts = new[] { method, method.PartialImplementationPart }.Where(m => m is not null);
            foreach (var part in parts)
            {
                foreach (var reference in part!.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is not MethodDeclarationSyntax { Body: { } body })
                        continue;
                    bool hasYield = body
                        .DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
                        .OfType<YieldStatementSyntax>()
                        .Any();
                    if (hasYield) return true;
                }
            }
            return false;
        }
    }
}
