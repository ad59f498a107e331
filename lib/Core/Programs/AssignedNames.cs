using CourseKit.Programs.Syntax;

namespace CourseKit.Programs;

/// <summary>
/// Finds every variable a program assigns (including through <c>&amp;status</c>), so reading a name nobody
/// assigns is a compile error with a suggestion, not a silent 0. <c>errno</c> always exists: failed calls set it.
/// </summary>
internal static class AssignedNames
{
    public static HashSet<string> Collect(Node root)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "errno" };
        Visit(root, names);
        return names;
    }

    private static void Visit(Node? node, HashSet<string> names)
    {
        switch (node)
        {
            case null: return;
            case BlockStatement b: foreach (var s in b.Statements) Visit(s, names); return;
            case ExpressionStatement e: Visit(e.Expression, names); return;
            case IfStatement i: Visit(i.Condition, names); Visit(i.Then, names); Visit(i.Else, names); return;
            case WhileStatement w: Visit(w.Condition, names); Visit(w.Body, names); return;
            case ForStatement f: Visit(f.Init, names); Visit(f.Condition, names); Visit(f.Step, names); Visit(f.Body, names); return;
            case ReturnStatement r: Visit(r.Value, names); return;
            case Assignment a: Target(a.Target, names); Visit(a.Target, names); Visit(a.Value, names); return;
            case PostIncrement p: Target(p.Target, names); Visit(p.Target, names); return;
            case AddressOf a: names.Add(a.Name); return;
            case MemoryReference m: Visit(m.Address, names); return;
            case UnaryExpression u: Visit(u.Operand, names); return;
            case BinaryExpression b: Visit(b.Left, names); Visit(b.Right, names); return;
            case ConditionalExpression c: Visit(c.Condition, names); Visit(c.WhenTrue, names); Visit(c.WhenFalse, names); return;
            case Call c: foreach (var a in c.Arguments) Visit(a, names); return;
        }
    }

    private static void Target(Expression target, HashSet<string> names)
    {
        if (target is VariableReference v) names.Add(v.Name);
    }
}
