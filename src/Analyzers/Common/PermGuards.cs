using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ImageLock.Analyzers.Common;

/// <summary>
/// Perm bits that a run-time check on the same capability proves at a use (the CA1416 guard idea, kept syntactic):
/// the use sits on the true side of an <c>if</c>, <c>?:</c> or <c>&amp;&amp;</c> whose condition checks the capability,
/// or follows, in the same block, an <c>if</c> whose failing side returns, throws or jumps away. Recognised checks:
/// <c>image.Allows(C)</c>, <c>image.Perm.HasFlag(C)</c>, <c>(image.Perm &amp; C) == C</c>, <c>image.Perm == C</c> and, for
/// one flag, <c>(image.Perm &amp; C) != 0</c>, with C a constant; combined by <c>!</c>, <c>&amp;&amp;</c>, <c>||</c>,
/// comparisons with <c>true</c>/<c>false</c> and <c>is</c> patterns; a bool local written once stands for its initializer.
/// A lease's Perm never changes, so a check keeps holding — as long as the parameter still names the same capability.
/// </summary>
internal static class PermGuards
{
    public static int Proven(IOperation use, IParameterSymbol capability, KnownSymbols symbols)
    {
        var checks = new Checks(capability, symbols, OperationHelpers.Root(use));
        int proven = 0;
        bool inLocalFunction = false;
        IOperation child = use;
        for (var parent = use.Parent; parent is not null; child = parent, parent = parent.Parent)
        {
            switch (parent)
            {
                case ILocalFunctionOperation:
                    // Local functions are hoisted: callable anywhere in the declaring block, even before its early exits.
                    inLocalFunction = true;
                    break;
                case IBlockOperation when inLocalFunction:
                    inLocalFunction = false;
                    break;
                case IConditionalOperation conditional when child == conditional.WhenTrue:
                    proven |= checks.Test(conditional.Condition, whenTrue: true);
                    break;
                case IConditionalOperation conditional when child == conditional.WhenFalse:
                    proven |= checks.Test(conditional.Condition, whenTrue: false);
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null } both when child == both.RightOperand:
                    proven |= checks.Test(both.LeftOperand, whenTrue: true);
                    break;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr, OperatorMethod: null } either when child == either.RightOperand:
                    proven |= checks.Test(either.LeftOperand, whenTrue: false);
                    break;
                case IBlockOperation block:
                    proven |= EarlyExits(block, child, checks);
                    break;
            }
        }
        return proven != 0 && CapabilityReassigned(OperationHelpers.Root(use), capability) ? 0 : proven;
    }

    /// <summary>Checks in earlier statements of the block whose failing side leaves it: `if (!image.Allows(..)) return;`.</summary>
    private static int EarlyExits(IBlockOperation block, IOperation statement, Checks checks)
    {
        // A labelled statement can be reached by goto without passing the statements before it.
        if (statement is ILabeledOperation) return 0;
        int proven = 0;
        for (int i = block.Operations.IndexOf(statement) - 1; i >= 0; i--)
        {
            var earlier = block.Operations[i];
            if (earlier is ILabeledOperation) break;
            if (earlier is not IConditionalOperation guard) continue;
            if (Leaves(guard.WhenTrue)) proven |= checks.Test(guard.Condition, whenTrue: false);
            else if (guard.WhenFalse is not null && Leaves(guard.WhenFalse)) proven |= checks.Test(guard.Condition, whenTrue: true);
        }
        return proven;
    }

    /// <summary>True when the statement never falls through to the next one.</summary>
    private static bool Leaves(IOperation statement) => statement switch
    {
        IReturnOperation { Kind: OperationKind.Return or OperationKind.YieldBreak } => true,
        IThrowOperation or IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBranchOperation => true, // break, continue, goto
        IBlockOperation { Operations.Length: > 0 } block => Leaves(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };

    /// <summary>Assigned, passed by ref/out or aliased by a ref anywhere in the method: a check may be about another capability.</summary>
    private static bool CapabilityReassigned(IOperation root, IParameterSymbol capability)
    {
        if (capability.RefKind != RefKind.None) return true;
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is not IParameterReferenceOperation reference
                || !SymbolEqualityComparer.Default.Equals(reference.Parameter, capability)) continue;
            IOperation value = reference;
            var parent = reference.Parent;
            while (parent is IParenthesizedOperation or ITupleOperation) { value = parent; parent = parent.Parent; }
            switch (parent)
            {
                case IAssignmentOperation assignment when assignment.Target == value:
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                case IConditionalOperation { IsRef: true }:
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.IsRef: true } }:
                    return true;
            }
        }
        return false;
    }

    /// <summary>Evaluates conditions for one capability.</summary>
    private readonly struct Checks
    {
        private readonly IParameterSymbol _capability;
        private readonly KnownSymbols _symbols;
        private readonly IOperation _root;

        public Checks(IParameterSymbol capability, KnownSymbols symbols, IOperation root)
        {
            _capability = capability;
            _symbols = symbols;
            _root = root;
        }

        /// <summary>Perm bits proven held when <paramref name="condition"/> evaluates to <paramref name="whenTrue"/>.</summary>
        public int Test(IOperation condition, bool whenTrue)
        {
            switch (OperationHelpers.Unwrap(condition))
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not, OperatorMethod: null } not:
                    return Test(not.Operand, !whenTrue);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd, OperatorMethod: null } both:
                    // Both held when true; when false only what both sides prove when false.
                    return whenTrue
                        ? Test(both.LeftOperand, true) | Test(both.RightOperand, true)
                        : Test(both.LeftOperand, false) & Test(both.RightOperand, false);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr, OperatorMethod: null } either:
                    return whenTrue
                        ? Test(either.LeftOperand, true) & Test(either.RightOperand, true)
                        : Test(either.LeftOperand, false) | Test(either.RightOperand, false);
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } comparison
                    when BoolConstant(comparison.RightOperand) is bool right:
                    // `check == true`, `check != false`, ...
                    return Test(comparison.LeftOperand, whenTrue == (right == (comparison.OperatorKind == BinaryOperatorKind.Equals)));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals, OperatorMethod: null } comparison
                    when BoolConstant(comparison.LeftOperand) is bool left:
                    return Test(comparison.RightOperand, whenTrue == (left == (comparison.OperatorKind == BinaryOperatorKind.Equals)));
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                    return MaskTest(comparison.LeftOperand, comparison.RightOperand, comparison.OperatorKind == BinaryOperatorKind.Equals, whenTrue);
                case IIsPatternOperation pattern:
                    return Pattern(pattern.Value, pattern.Pattern, whenTrue);
                case ILocalReferenceOperation local when SingleAssignment(local.Local) is { } value:
                    // `bool canResize = image.Allows(Perm.Resize); if (canResize) …`: a bool local written once carries its check.
                    return Test(value, whenTrue);
                case IInvocationOperation invocation when whenTrue:
                    return Call(invocation);
                default:
                    return 0;
            }
        }

        // image.Allows(C) and image.Perm.HasFlag(C): true means every bit of C is held.
        private int Call(IInvocationOperation invocation)
        {
            if (invocation.Arguments.Length != 1 || !Constant(invocation.Arguments[0].Value, out int bits)) return 0;
            var method = invocation.TargetMethod;
            if (_symbols.Allows is { } allows && SymbolEqualityComparer.Default.Equals(method, allows) && IsCapability(invocation.Instance))
                return bits & Grant.All;
            if (_symbols.EnumHasFlag is { } hasFlag && SymbolEqualityComparer.Default.Equals(method, hasFlag) && IsPerm(invocation.Instance))
                return bits & Grant.All;
            return 0;
        }

        // `x is true`, `x is false`, `x is not false`, `(image.Perm & C) is C`, `(image.Perm & C) is not 0`, `image.Perm is C`.
        private int Pattern(IOperation value, IPatternOperation pattern, bool whenTrue)
        {
            switch (pattern)
            {
                case INegatedPatternOperation negated:
                    return Pattern(value, negated.Pattern, !whenTrue);
                case IConstantPatternOperation constant when BoolConstant(constant.Value) is bool expected:
                    return Test(value, whenTrue == expected);
                case IConstantPatternOperation constant:
                    return MaskTest(value, constant.Value, equals: true, whenTrue);
                default:
                    return 0;
            }
        }

        // (image.Perm & C) == C and image.Perm == C prove C; (image.Perm & C) != 0 proves C only when C is one flag (else: "any of").
        private int MaskTest(IOperation left, IOperation right, bool equals, bool whenTrue)
        {
            IOperation other;
            if (Masked(left, out int mask)) other = right;
            else if (Masked(right, out mask)) other = left;
            else return 0;
            if (!Constant(other, out int compared)) return 0;
            if (mask == -1) return equals == whenTrue ? compared & Grant.All : 0; // image.Perm == C
            if (mask == 0) return 0;
            bool holdsWhenEqual = compared == mask;
            bool holdsWhenDifferent = compared == 0 && (mask & (mask - 1)) == 0;
            if (holdsWhenEqual && equals == whenTrue) return mask & Grant.All;
            if (holdsWhenDifferent && equals != whenTrue) return mask & Grant.All;
            return 0;
        }

        private bool Masked(IOperation operand, out int mask)
        {
            mask = 0;
            // image.Perm == C: all of C held (and nothing else), as if masked by C.
            if (IsPerm(operand)) { mask = -1; return true; }
            if (OperationHelpers.Unwrap(operand) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.And, OperatorMethod: null } masked) return false;
            return (IsPerm(masked.LeftOperand) && Constant(masked.RightOperand, out mask))
                || (IsPerm(masked.RightOperand) && Constant(masked.LeftOperand, out mask));
        }

        /// <summary>The initializer of a bool local that nothing else writes (no assignment, ref or out), or null.</summary>
        private IOperation? SingleAssignment(ILocalSymbol local)
        {
            if (local.Type.SpecialType != SpecialType.System_Boolean || local.IsRef) return null;
            IOperation? initializer = null;
            foreach (var operation in _root.Descendants())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, local):
                        initializer = declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value;
                        break;
                    case ILocalReferenceOperation reference when SymbolEqualityComparer.Default.Equals(reference.Local, local) && IsWritten(reference):
                        return null;
                }
            }
            return initializer;
        }

        private static bool IsWritten(IOperation reference)
        {
            var parent = reference.Parent;
            while (parent is IParenthesizedOperation or ITupleOperation) { reference = parent; parent = parent.Parent; }
            return parent switch
            {
                IAssignmentOperation assignment => assignment.Target == reference,
                IArgumentOperation argument => argument.Parameter?.RefKind is RefKind.Ref or RefKind.Out,
                IIncrementOrDecrementOperation => true,
                IDeclarationExpressionOperation => true,
                _ => false,
            };
        }

        private static bool? BoolConstant(IOperation operand) =>
            OperationHelpers.Unwrap(operand)?.ConstantValue is { HasValue: true, Value: bool value } ? value : null;

        private bool IsCapability(IOperation? operand) =>
            OperationHelpers.Unwrap(operand) is IParameterReferenceOperation reference
            && SymbolEqualityComparer.Default.Equals(reference.Parameter, _capability);

        private bool IsPerm(IOperation? operand) =>
            OperationHelpers.Unwrap(operand) is IPropertyReferenceOperation property
            && SymbolEqualityComparer.Default.Equals(property.Property, _symbols.PermProperty)
            && IsCapability(property.Instance);

        private static bool Constant(IOperation operand, out int bits)
        {
            var constant = operand.ConstantValue;
            if (!constant.HasValue) constant = OperationHelpers.Unwrap(operand)?.ConstantValue ?? default;
            bits = constant.HasValue && constant.Value is { } value ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return constant.HasValue && constant.Value is not null;
        }
    }
}
