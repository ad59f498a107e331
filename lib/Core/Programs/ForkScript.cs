using System.Collections.Immutable;
using System.Text;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Programs;

/// <summary>Settings of a fork/exit script.</summary>
public sealed record ForkScriptOptions
{
    /// <summary>The name of the first process (a child of init), as fork.py calls it.</summary>
    public string Root { get; init; } = "a";

    /// <summary>Mark the root as a child subreaper (prctl PR_SET_CHILD_SUBREAPER): orphans below it are adopted by it instead of init.</summary>
    public bool RootIsSubreaper { get; init; }

    /// <summary>
    /// Parents reap an exited child at once (as if each were blocked in wait()). Off by default: Linux keeps an
    /// exited child as a zombie until its parent waits, and the tree shows it.
    /// </summary>
    public bool ParentsWait { get; init; }

    /// <summary>The machine the script runs on.</summary>
    public MachineOptions Machine { get; init; } = new();
}

/// <summary>
/// The result of running a script: the trees after each action (index 0 is the start), the name of every
/// process and its PID, and the machine itself for further questions. <see cref="Error"/> says which action
/// could not run and why; the trees then stop before it.
/// </summary>
public sealed record ForkScriptRun(
    ValueList<ForkAction> Actions, ValueList<ForkTree> Trees, ImmutableDictionary<string, Pid> Pids, Machine Machine, string? Error)
{
    /// <summary>The tree after the last action that ran.</summary>
    public ForkTree Final => Trees[^1];

    /// <summary>True when every action ran.</summary>
    public bool Success => Error is null;

    /// <summary>fork.py-style solution: the start, then each action and the tree after it.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Process tree at the start:\n").Append(Indent(Trees[0]));
        for (int i = 1; i < Trees.Count; i++)
            sb.Append($"\nAction {i}: {Describe(Actions[i - 1])}\n").Append(Indent(Trees[i]));
        if (Error is not null) sb.Append("\n").Append(Error);
        return sb.ToString();
    }

    /// <summary>"a forks b" / "b exits".</summary>
    public static string Describe(ForkAction action) => action switch
    {
        ForkActionFork f => $"{f.Parent} forks {f.Child}",
        ForkActionExit e => $"{e.Process} exits",
        _ => action.ToString(),
    };

    private static string Indent(ForkTree tree) => string.Join("\n", tree.ToString().Split('\n').Select(l => "    " + l));
}

/// <summary>The answer to the reverse question: the actions that turn each tree into the next, or why there are none.</summary>
public sealed record ForkScriptInference(ValueList<ForkAction> Actions, string? Error)
{
    /// <summary>True when every step was explained by exactly one action that Linux agrees with.</summary>
    public bool Success => Error is null;

    /// <summary>The actions as a script (<c>a+b,b-</c>), or the error.</summary>
    public override string ToString() => Error ?? ForkAction.Format(Actions);
}

/// <summary>
/// OSTEP fork.py-style exercises on the real <see cref="Machine"/>: <c>a+b</c> is a fork by a, <c>b-</c> an exit
/// of b. Unlike the textbook tool, exits follow Linux: only the dying process's direct children are
/// reparented (to init or the nearest child subreaper), grandchildren keep their living parent, and an
/// exited child stays a zombie until its parent reaps it.
/// </summary>
public static class ForkScript
{
    /// <summary>Parses and runs a script such as <c>a+b,b+c,c-</c>; parse and action errors come back in <see cref="ForkScriptRun.Error"/>.</summary>
    public static ForkScriptRun Run(string actions, ForkScriptOptions? options = null)
    {
        var parse = ForkAction.TryParseList(actions);
        return parse.Success ? Run(parse.Actions, options) : Start(options ?? new()).Result([], parse.Error);
    }

    /// <summary>Runs the actions one by one on a fresh machine, recording the tree after each.</summary>
    public static ForkScriptRun Run(IReadOnlyList<ForkAction> actions, ForkScriptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var script = Start(options ?? new());
        for (int i = 0; i < actions.Count; i++)
        {
            var error = script.Apply(actions[i]);
            if (error is not null) return script.Result(actions.Take(i).ToList(), $"action {i + 1} '{actions[i]}': {error}");
        }
        return script.Result(actions, null);
    }

    /// <summary>
    /// A random script from a seed (same seed, same script): each action forks a live process with
    /// probability <paramref name="forkPercent"/>%, otherwise a live process other than the root exits.
    /// New processes are named b, c, d, ... in order, as fork.py names them.
    /// </summary>
    public static ValueList<ForkAction> Generate(int seed, int actions = 5, int forkPercent = 70, ForkScriptOptions? options = null)
    {
        if (actions < 0) throw new ArgumentOutOfRangeException(nameof(actions), actions, "the number of actions cannot be negative");
        if (forkPercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(forkPercent), forkPercent, "a percentage from 0 to 100");
        var random = new Random(seed);
        var root = (options ?? new()).Root;
        var live = new List<string> { root };
        var names = new NameSequence(root);
        var script = ImmutableArray.CreateBuilder<ForkAction>();
        for (int i = 0; i < actions; i++)
        {
            bool fork = live.Count == 1 || random.Next(100) < forkPercent;
            if (fork)
            {
                var child = names.Next();
                script.Add(new ForkActionFork(live[random.Next(live.Count)], child));
                live.Add(child);
                continue;
            }
            var dying = live[1 + random.Next(live.Count - 1)];
            script.Add(new ForkActionExit(dying));
            live.Remove(dying);
        }
        return new(script.ToImmutable());
    }

    /// <summary>
    /// The reverse question: given the tree at the start and after each action, which actions happened?
    /// Each step must differ by one new process (a fork by its parent) or one process gone or turned zombie
    /// (an exit); the answer is then replayed on a machine, so trees that Linux would not produce (a textbook
    /// that moves grandchildren to init) are reported with the tree Linux gives.
    /// </summary>
    public static ForkScriptInference InferActions(IReadOnlyList<ForkTree> trees, ForkScriptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(trees);
        options ??= new();
        var script = Start(options);
        if (trees.Count == 0 || !trees[0].Equals(script.Tree()))
            return new(ValueList<ForkAction>.Empty, $"the first tree must be the start:\n{script.Tree()}");
        var actions = ImmutableArray.CreateBuilder<ForkAction>();
        for (int i = 1; i < trees.Count; i++)
        {
            var (action, why) = Explain(trees[i - 1], trees[i]);
            if (action is null) return new(new(actions.ToImmutable()), $"from tree {i} to tree {i + 1}: {why}");
            var error = script.Apply(action);
            if (error is not null) return new(new(actions.ToImmutable()), $"from tree {i} to tree {i + 1}: '{action}' cannot run: {error}");
            if (!script.Tree().Equals(trees[i]))
                return new(new(actions.ToImmutable()), $"from tree {i} to tree {i + 1}: the change looks like '{action}' ({ForkScriptRun.Describe(action)}), but on Linux that gives\n{script.Tree()}\n(only the direct children of an exiting process are reparented, to init or the nearest subreaper)");
            actions.Add(action);
        }
        return new(new(actions.ToImmutable()), null);
    }

    /// <summary>The reverse question with trees drawn as text (see <see cref="ForkTree.Parse"/>).</summary>
    public static ForkScriptInference InferActions(IEnumerable<string> trees, ForkScriptOptions? options = null)
    {
        try
        {
            return InferActions(trees.Select(ForkTree.Parse).ToList(), options);
        }
        catch (FormatException bad)
        {
            return new(ValueList<ForkAction>.Empty, bad.Message);
        }
    }

    /// <summary>One action between two trees: exactly one new name (a fork) or exactly one live process gone or zombie (an exit).</summary>
    private static (ForkAction? Action, string Why) Explain(ForkTree before, ForkTree after)
    {
        var beforeNames = before.Nodes.Select(n => n.Name).ToHashSet();
        var born = after.Nodes.Where(n => !beforeNames.Contains(n.Name)).Select(n => n.Name).ToList();
        var died = before.Nodes.Where(n => !n.Zombie && n.Name != before.Root.Name)
            .Where(n => after.Find(n.Name) is null or { Zombie: true }).Select(n => n.Name).ToList();
        if (born.Count == 1 && died.Count == 0) return (new ForkActionFork(after.Parents[born[0]], born[0]), "");
        if (born.Count == 0 && died.Count == 1) return (new ForkActionExit(died[0]), "");
        var changes = born.Select(b => $"{b} appeared").Concat(died.Select(d => $"{d} exited")).ToList();
        return (null, changes.Count == 0
            ? "nothing changed, but every action forks or ends a process"
            : $"one action changes one process, but here {string.Join(", ", changes)}");
    }

    private static ScriptMachine Start(ForkScriptOptions options) => new(options);

    /// <summary>fork.py's names: b, c, ..., z, then ba, bb, ... (never the root's name).</summary>
    private sealed class NameSequence(string root)
    {
        private int _next = 1;

        public string Next()
        {
            string name;
            do name = Name(_next++);
            while (name == root);
            return name;
        }

        private static string Name(int n) => n < 26 ? ((char)('a' + n)).ToString() : Name(n / 26) + (char)('a' + n % 26);
    }
}
