using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ImageLock.Analyzers.Common;

internal static class OperationHelpers
{
    /// <summary>Looks through conversions, parentheses and <c>x?.</c> to the value actually used.</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion: operation = conversion.Operand; break;
                case IParenthesizedOperation parens: operation = parens.Operand; break;
                case IConditionalAccessInstanceOperation instance: operation = FindConditionalReceiver(instance); break;
                default: return operation;
            }
        }
    }

    /// <summary>The ImageAccess parameter an operand refers to, or null.</summary>
    public static IParameterSymbol? CapabilityParameter(IOperation? operand, KnownSymbols symbols) =>
        Unwrap(operand) is IParameterReferenceOperation reference && symbols.IsImageAccess(reference.Parameter.Type)
            ? reference.Parameter
            : null;

    /// <summary>Walks up past conversions, parentheses and delegate creation to the operation that consumes a value.</summary>
    public static (IOperation Value, IOperation? Consumer) Consumer(IOperation operation)
    {
        var value = operation;
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation or IDelegateCreationOperation)
        {
            value = parent;
            parent = parent.Parent;
        }
        return (value, parent);
    }

    /// <summary>The lambda or local function an operation sits in, or null when it is directly in the method body.</summary>
    public static IOperation? EnclosingFunction(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation) return current;
        return null;
    }

    /// <summary>The outermost lambda or local function an operation sits in, or null.</summary>
    public static IOperation? OutermostFunction(IOperation operation)
    {
        IOperation? found = null;
        for (var current = operation.Parent; current is not null; current = current.Parent)
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation) found = current;
        return found;
    }

    public static IOperation Root(IOperation operation)
    {
        while (operation.Parent is not null) operation = operation.Parent;
        return operation;
    }

    private static IOperation? FindConditionalReceiver(IConditionalAccessInstanceOperation instance)
    {
        // The receiver belongs to the nearest `?.` whose WhenNotNull branch we came up through.
        IOperation child = instance;
        for (var current = instance.Parent; current is not null; child = current, current = current.Parent)
            if (current is IConditionalAccessOperation access && access.WhenNotNull == child) return access.Operation;
        return null;
    }
}
