using System.Collections.Immutable;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Programs;

/// <summary>
/// A machine driven by fork/exit actions: names map to PIDs, each action is one real system call
/// (fork or exit_group) by the named process, and the tree is read back from the process table.
/// </summary>
internal sealed class ScriptMachine
{
    private readonly ForkScriptOptions _options;
    private readonly Dictionary<string, Pid> _pids = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly List<ForkTree> _trees = [];

    public ScriptMachine(ForkScriptOptions options)
    {
        _options = options;
        Machine = Machine.Boot(options.Machine);
        var root = Machine.Fork(Pid.Init).Value;
        _pids[options.Root] = root;
        _used.Add(options.Root);
        _used.Add("init");
        if (options.RootIsSubreaper) Machine.SetChildSubreaper(root, true).ThrowIfNotOk();
        _trees.Add(Tree());
    }

    public Machine Machine { get; }

    /// <summary>Runs one action; returns why it cannot run (nothing changes then), or null.</summary>
    public string? Apply(ForkAction action)
    {
        var error = action switch
        {
            ForkActionFork f => Fork(f),
            ForkActionExit e => Exit(e),
            _ => $"unknown action {action}",
        };
        if (error is null) _trees.Add(Tree());
        return error;
    }

    private string? Fork(ForkActionFork action)
    {
        if (Live(action.Parent) is { } problem) return problem;
        if (_used.Contains(action.Child)) return $"the name {action.Child} is already taken: each fork makes a new process with a new name";
        var result = Machine.Fork(_pids[action.Parent]);
        if (!result.IsOk) return result.Message;
        _pids[action.Child] = result.Value;
        _used.Add(action.Child);
        return null;
    }

    private string? Exit(ForkActionExit action)
    {
        if (Live(action.Process) is { } problem) return problem;
        var pid = _pids[action.Process];
        var result = Machine.Exit(pid, 0);
        if (!result.IsOk) return result.Message;
        if (_options.ParentsWait) ReapZombies();
        return null;
    }

    /// <summary>With <see cref="ForkScriptOptions.ParentsWait"/>: every living named process reaps its zombie children (real wait4 calls).</summary>
    private void ReapZombies()
    {
        foreach (var (_, pid) in _pids)
        {
            if (Machine.Process(pid) is not { State: not ProcessState.Zombie and not ProcessState.Reaped } parent) continue;
            foreach (var zombie in parent.Children.Where(c => c.State == ProcessState.Zombie).ToList())
                Machine.Wait(pid, zombie.Pid, WaitOptions.NoHang);
        }
    }

    private string? Live(string name)
    {
        if (!_pids.TryGetValue(name, out var pid)) return $"there is no process named {name} (yet)";
        return Machine.Process(pid) is { State: ProcessState.Running or ProcessState.Sleeping } ? null : $"{name} has already exited";
    }

    /// <summary>The process tree now, with names (init at the root; zombies marked).</summary>
    public ForkTree Tree()
    {
        var names = _pids.Where(p => Machine.Process(p.Value) is { State: not ProcessState.Reaped })
            .ToDictionary(p => p.Value, p => p.Key);
        return new ForkTree(Node(Machine.Init, names));
    }

    private static ForkTreeNode Node(Process process, Dictionary<Pid, string> names) =>
        new(process.Pid == Pid.Init ? "init" : names.GetValueOrDefault(process.Pid, process.Pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            process.State == ProcessState.Zombie,
            new(process.Children.Select(c => Node(c, names))));

    public ForkScriptRun Result(IReadOnlyList<ForkAction> actions, string? error) =>
        new(new(actions), new(_trees), _pids.ToImmutableDictionary(), Machine, error);
}
