using System.Text;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Lessons;

/// <summary>
/// The shape of a process tree as short text: a name and its children in parentheses, <c>sh(ls,wc)</c>.
/// Siblings are compared as a set (their order is a scheduling detail), names by equality, and <c>*</c>
/// matches any name. Zombies count as processes (they are still in the table).
/// </summary>
public sealed class ProcessShape
{
    private ProcessShape(string name, IReadOnlyList<ProcessShape> children)
    {
        Name = name;
        Children = children;
    }

    /// <summary>The command name (or <c>*</c>).</summary>
    public string Name { get; }

    /// <summary>The children, in the order written (or created).</summary>
    public IReadOnlyList<ProcessShape> Children { get; }

    /// <summary>Processes in the shape, the root included.</summary>
    public int Count => 1 + Children.Sum(c => c.Count);

    /// <summary>Generations: 1 for a lone process.</summary>
    public int Depth => 1 + (Children.Count == 0 ? 0 : Children.Max(c => c.Depth));

    /// <summary>The shape of the subtree of <paramref name="root"/> in a snapshot's process tree.</summary>
    public static ProcessShape Of(ProcessTreeSnapshot tree, Pid root)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var node = tree[root] ?? throw new ArgumentException($"there is no process {root.Value} in the tree");
        return new ProcessShape(node.Command, [.. node.Children.Select(c => Of(tree, c))]);
    }

    /// <summary>init's only child when there is exactly one (the program a lesson started), otherwise init.</summary>
    public static Pid DefaultRoot(ProcessTreeSnapshot tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var children = tree.ChildrenOf(Pid.Init);
        return children.Count == 1 ? children[0] : Pid.Init;
    }

    /// <summary>
    /// Reads <c>a(b(c),d)</c>. Spaces are ignored; a name is letters, digits and <c>_ - . *</c>.
    /// Throws <see cref="FormatException"/> saying where the text stops making sense.
    /// </summary>
    public static ProcessShape Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        int at = 0;
        var shape = ReadNode(compact, ref at);
        if (at != compact.Length)
            throw new FormatException($"the shape '{text}' has extra text after position {at + 1}: '{compact[at..]}' (is a ')' missing or one too many?)");
        return shape;
    }

    private static ProcessShape ReadNode(string s, ref int at)
    {
        int start = at;
        while (at < s.Length && (char.IsLetterOrDigit(s[at]) || s[at] is '_' or '-' or '.' or '*' or '/')) at++;
        if (at == start)
            throw new FormatException(at < s.Length
                ? $"expected a process name at position {at + 1} of the shape, found '{s[at]}' (write shapes like a(b(c),d))"
                : "the shape ends where a process name was expected (write shapes like a(b(c),d))");
        var name = s[start..at];
        var children = new List<ProcessShape>();
        if (at < s.Length && s[at] == '(')
        {
            at++;
            children.Add(ReadNode(s, ref at));
            while (at < s.Length && s[at] == ',')
            {
                at++;
                children.Add(ReadNode(s, ref at));
            }
            if (at >= s.Length || s[at] != ')')
                throw new FormatException($"expected ',' or ')' at position {at + 1} of the shape");
            at++;
        }
        return new ProcessShape(name, children);
    }

    /// <summary>True when both trees have the same shape, siblings in any order, <c>*</c> matching any name.</summary>
    public bool Matches(ProcessShape other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Name != "*" && other.Name != "*" && Name != other.Name) return false;
        if (Children.Count != other.Children.Count) return false;
        return MatchChildren([.. Children], [.. other.Children]);
    }

    /// <summary>Backtracking pairing of siblings (trees in exercises are tiny).</summary>
    private static bool MatchChildren(List<ProcessShape> mine, List<ProcessShape> theirs)
    {
        if (mine.Count == 0) return true;
        var first = mine[0];
        for (int i = 0; i < theirs.Count; i++)
        {
            if (!first.Matches(theirs[i])) continue;
            var rest = theirs.Where((_, j) => j != i).ToList();
            if (MatchChildren(mine.Skip(1).ToList(), rest)) return true;
        }
        return false;
    }

    /// <summary>The shape as text, <c>a(b(c),d)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Name);
        if (Children.Count > 0) text.Append('(').AppendJoin(',', Children.Select(c => c.ToString())).Append(')');
        return text.ToString();
    }
}
