using System.Text;
using CourseKit.Tracing;

namespace CourseKit.Programs;

/// <summary>
/// A process in a <see cref="ForkTree"/>: its name, whether it is a zombie (exited, not yet reaped) and its
/// children in creation order. Immutable and compared by value, so two trees can be checked for equality.
/// </summary>
public sealed record ForkTreeNode(string Name, bool Zombie, ValueList<ForkTreeNode> Children)
{
    /// <summary>The label a tree shows: the name, and "(zombie)" for a process that exited but was not reaped.</summary>
    public string Label => Zombie ? $"{Name} (zombie)" : Name;

    internal IEnumerable<ForkTreeNode> SelfAndDescendants() => Children.SelectMany(c => c.SelfAndDescendants()).Prepend(this);
}

/// <summary>
/// The process tree of a fork/exit script as names: init at the root, then every process under its current
/// parent. It is drawn like <c>pstree</c>; the same text can be parsed back, so an instructor can write the
/// trees of a "which actions?" question by hand.
/// </summary>
public sealed record ForkTree(ForkTreeNode Root)
{
    /// <summary>Every process in the tree (init first), depth first.</summary>
    public IEnumerable<ForkTreeNode> Nodes => Root.SelfAndDescendants();

    /// <summary>The parent's name of each process (init has none).</summary>
    public IReadOnlyDictionary<string, string> Parents =>
        Nodes.SelectMany(p => p.Children.Select(c => (c.Name, Parent: p.Name))).ToDictionary(x => x.Name, x => x.Parent);

    /// <summary>Finds a process by name.</summary>
    public ForkTreeNode? Find(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>The tree drawn with box characters, one process per line.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Root.Label).Append('\n');
        Draw(sb, Root, "");
        return sb.ToString().TrimEnd('\n');
    }

    private static void Draw(StringBuilder sb, ForkTreeNode node, string indent)
    {
        for (int i = 0; i < node.Children.Count; i++)
        {
            bool last = i == node.Children.Count - 1;
            sb.Append(indent).Append(last ? "└── " : "├── ").Append(node.Children[i].Label).Append('\n');
            Draw(sb, node.Children[i], indent + (last ? "    " : "│   "));
        }
    }

    /// <summary>
    /// Reads a tree drawn as <see cref="ToString"/> draws it (box characters or ASCII <c>|--</c>, <c>`--</c>,
    /// <c>+--</c>; 4 columns per level). Throws <see cref="FormatException"/> naming the bad line.
    /// </summary>
    public static ForkTree Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r', ' ')).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0) throw new FormatException("the tree is empty: it needs at least the root line (init)");
        var stack = new List<(string Name, bool Zombie, List<ForkTreeNode> Children)> { Node(lines[0], 1) };
        for (int i = 1; i < lines.Count; i++)
        {
            int depth = Depth(lines[i], i + 1);
            if (depth > stack.Count)
                throw new FormatException($"line {i + 1} '{lines[i]}' is indented deeper than a child of the line above it");
            while (stack.Count > depth) Close(stack);
            stack.Add(Node(lines[i][(depth * 4)..], i + 1));
        }
        while (stack.Count > 1) Close(stack);
        return new ForkTree(new ForkTreeNode(stack[0].Name, stack[0].Zombie, new(stack[0].Children)));
    }

    private static int Depth(string line, int number)
    {
        int nameStart = 0;
        while (nameStart < line.Length && !char.IsLetterOrDigit(line[nameStart])) nameStart++;
        if (nameStart == line.Length || nameStart % 4 != 0 || nameStart == 0)
            throw new FormatException($"line {number} '{line}' is not a tree line: use '├── name' or '└── name', 4 columns per level");
        return nameStart / 4;
    }

    private static (string, bool, List<ForkTreeNode>) Node(string label, int number)
    {
        label = label.Trim();
        bool zombie = label.EndsWith("(zombie)", StringComparison.Ordinal);
        var name = zombie ? label[..^"(zombie)".Length].Trim() : label;
        if (name.Length == 0 || !name.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new FormatException($"line {number}: '{label}' is not a process name (letters and digits, optionally followed by '(zombie)')");
        return (name, zombie, []);
    }

    private static void Close(List<(string Name, bool Zombie, List<ForkTreeNode> Children)> stack)
    {
        var (name, zombie, children) = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        stack[^1].Children.Add(new ForkTreeNode(name, zombie, new(children)));
    }
}
