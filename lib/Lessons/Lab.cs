using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Lessons;

/// <summary>
/// A lesson's workbench for one program: a fresh machine (seeded), a scheduler and the program started on it
/// the way a shell would (init forks, the child execs it). Step it one instruction at a time or run it to the
/// end; the lab draws itself as the source with each thread's position, the threads' variables, what was
/// printed and the process tree, so a cell can end with <c>lab.Step()</c> and show the new state.
/// </summary>
/// <remarks>Each call to <see cref="Start(string, int, SchedulingPolicy?)"/> boots a new machine, so running a
/// cell again gives the same result: nothing carries over from an earlier run.</remarks>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Lab
{
    private Lab(Machine machine, Scheduler scheduler, Program program, Pid root)
    {
        Machine = machine;
        Scheduler = scheduler;
        Program = program;
        Root = root;
    }

    /// <summary>The simulated machine the program runs on.</summary>
    public Machine Machine { get; }

    /// <summary>The scheduler that picks which thread runs each step.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>The compiled program.</summary>
    public Program Program { get; }

    /// <summary>The process the program started in (its PID).</summary>
    public Pid Root { get; }

    /// <summary>How the last <see cref="Run"/> ended; null until the lab has been run.</summary>
    public RunResult? Result { get; private set; }

    /// <summary>The last step taken, if any.</summary>
    public StepReport? LastStep { get; private set; }

    /// <summary>
    /// Compiles <paramref name="source"/> and starts it on a new machine. For the lesson's own programs: a
    /// program that does not compile throws <see cref="ProgramSyntaxException"/> with the line and column.
    /// </summary>
    /// <param name="source">The program text.</param>
    /// <param name="seed">The machine's seed (same seed, same run).</param>
    /// <param name="policy">How threads take turns; by default round robin, parent first after fork, as Linux.</param>
    public static Lab Start(string source, int seed = 42, SchedulingPolicy? policy = null) =>
        Start(Programs.Program.Compile(source, "prog"), seed, policy);

    /// <summary>Starts a compiled program on a new machine.</summary>
    public static Lab Start(Program program, int seed = 42, SchedulingPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        var machine = Machine.Boot(new MachineOptions { Seed = seed });
        var scheduler = new Scheduler(machine, policy);
        var root = scheduler.Start(program);
        return new Lab(machine, scheduler, program, root);
    }

    /// <summary>Runs <paramref name="count"/> instructions (fewer when every thread has ended) and returns the lab to draw.</summary>
    public Lab Step(int count = 1)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "step at least one instruction");
        for (int i = 0; i < count; i++)
        {
            var step = Scheduler.Step();
            if (step is null) break;
            LastStep = step;
        }
        return this;
    }

    /// <summary>
    /// Runs the thread the scheduler picks until it reaches another line of the program (or ends, or another
    /// thread takes the CPU): one source line rather than one instruction. Returns the lab to draw.
    /// </summary>
    public Lab StepLine()
    {
        var first = Scheduler.Step();
        if (first is null) return this;
        LastStep = first;
        int line = LineOf(first);
        for (int i = 0; i < 1_000; i++)
        {
            var next = Threads.FirstOrDefault(t => t.Tid == first.Tid);
            if (next is null || next.Program != Program || next.Position.Line != line || Scheduler.Current != first.Tid) break;
            var step = Scheduler.Step(first.Tid);
            LastStep = step;
        }
        return this;
    }

    private int LineOf(StepReport step) =>
        step.Program == Program.Name && step.Pc < Program.Instructions.Length ? Program.Instructions[step.Pc].Position.Line : -1;

    /// <summary>Runs until every thread has ended (or a deadlock, or <paramref name="maxSteps"/>) and returns the lab to draw.</summary>
    public Lab Run(long maxSteps = 10_000)
    {
        Result = Scheduler.Run(maxSteps);
        LastStep = null;
        return this;
    }

    /// <summary>Everything printed so far, in order.</summary>
    public string Output => Scheduler.Printed;

    /// <summary>The printed lines.</summary>
    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The processes the program made (forks, vforks, clones of new processes), not counting its own start.</summary>
    public int ProcessesCreated =>
        Machine.Events.OfType<ProcessCreated>().Count(e => !e.IsThread && e.Pid != Pid.Init && e.Pid != Pid.Zero);

    /// <summary>The threads the program made with CLONE_THREAD (pthread_create style), not counting the main one.</summary>
    public int ThreadsCreated =>
        Machine.Events.OfType<ProcessCreated>().Count(e => e.IsThread);

    /// <summary>
    /// Who forked whom, over the whole run: the program's first process and every process created below it,
    /// including those that have exited and been reaped since. This is the tree students draw for "how many
    /// processes?" questions; names are command names (after exec, the new program's).
    /// </summary>
    public ProcessTreeSnapshot ForkTree
    {
        get
        {
            var names = new Dictionary<Pid, string> { [Root] = Program.Name };
            var children = new Dictionary<Pid, List<Pid>> { [Root] = [] };
            var parents = new Dictionary<Pid, Pid> { [Root] = Pid.Init };
            var processOf = new Dictionary<Pid, Pid> { [Root] = Root }; // thread ID -> its process
            foreach (var e in Machine.Events)
            {
                switch (e)
                {
                    case ProcessCreated { IsThread: true } t when processOf.TryGetValue(t.Pid, out var owner):
                        processOf[t.Child] = owner;
                        break;
                    case ProcessCreated c when processOf.TryGetValue(c.Pid, out var parent):
                        processOf[c.Child] = c.Child;
                        names[c.Child] = names[parent];
                        children[c.Child] = [];
                        children[parent].Add(c.Child);
                        parents[c.Child] = parent;
                        break;
                    case ProcessExeced x when names.ContainsKey(x.Pid):
                        names[x.Pid] = x.Path[(x.Path.LastIndexOf('/') + 1)..];
                        break;
                }
            }
            var nodes = names.Keys.Order().Select(p =>
                new ProcessTreeNode(p, parents[p], names[p], Machine.Process(p)?.State == ProcessState.Zombie, new ValueList<Pid>(children[p])));
            var init = new ProcessTreeNode(Pid.Init, Pid.Zero, "init", false, new ValueList<Pid>([Root]));
            return new ProcessTreeSnapshot(new ValueList<ProcessTreeNode>(nodes.Prepend(init)));
        }
    }

    /// <summary>The system calls of one name the program's processes made ("execve", "clone", "wait4"), in order.</summary>
    public IReadOnlyList<SyscallEvent> Calls(string name) =>
        [.. Machine.Events.OfType<SyscallEvent>().Where(e => e.Name == name && e.Pid != Pid.Init)];

    /// <summary>The live program threads with their PCs and variables.</summary>
    public ImmutableArray<ProgramThreadSnapshot> Threads => [.. Scheduler.Threads()];

    /// <summary>The whole machine now.</summary>
    public MachineSnapshot Snapshot() => Machine.Snapshot();

    /// <summary>The process tree now (zombies included until reaped).</summary>
    public ProcessTreeSnapshot Tree => Machine.Snapshot().Tree;

    /// <summary>An immutable picture of the lab now: what a stepper keeps for each step.</summary>
    public LabFrame Frame()
    {
        var threads = Threads;
        var marks = threads.Where(t => t.Program == Program && t.Pc < Program.Instructions.Length)
            .GroupBy(t => t.Position.Line)
            .ToImmutableDictionary(g => g.Key, g => g.OrderBy(t => t.Tid.Value).Select(t => Label(t.Tid)).ToImmutableArray());
        var status = Result is { } r ? Describe(r.Status) : threads.Length == 0 ? "finished" : $"{Scheduler.Steps} steps run";
        return new LabFrame(Program.Name, Program.SourceLines, marks, threads, Output, TreeText(ForkTree, Root),
            DescribeLastStep(), status, Result?.Status == RunStatus.Completed || threads.Length == 0 ? null : Result?.Message);
    }

    /// <inheritdoc/>
    public override string ToString() => Frame().ToString();

    /// <summary>"pid 3 ran line 2: pid = fork()" (the source line, not the instruction and its temporaries).</summary>
    private string? DescribeLastStep()
    {
        if (LastStep is not { } step) return null;
        if (step.Program != Program.Name || step.Pc >= Program.Instructions.Length) return $"{Label(step.Tid)} ran {step.Program}";
        var line = Program.Instructions[step.Pc].Position.Line;
        return $"{Label(step.Tid)} ran line {line.ToString(CultureInfo.InvariantCulture)}: {Program.SourceLineOf(step.Pc)}";
    }

    /// <summary>"pid 8" for a process's main thread, "tid 9" for another thread of a process.</summary>
    private string Label(Pid tid) =>
        Machine.Thread(tid) is { } t && t.Process.Pid != tid ? $"tid {tid.Value.ToString(CultureInfo.InvariantCulture)}" : $"pid {tid.Value.ToString(CultureInfo.InvariantCulture)}";

    private static string Describe(RunStatus status) => status switch
    {
        RunStatus.Completed => "ran to the end",
        RunStatus.Deadlock => "deadlock",
        _ => "stopped at the step limit",
    };

    /// <summary>The subtree of <paramref name="root"/>, like <c>pstree -p</c>, each process marked running, zombie or exited.</summary>
    private string TreeText(ProcessTreeSnapshot tree, Pid root)
    {
        var text = new StringBuilder();
        void Walk(Pid pid, string indent, bool last, bool top)
        {
            if (tree[pid] is not { } node) return;
            text.Append(indent).Append(top ? "" : last ? "└── " : "├── ")
                .Append(node.Command).Append('(').Append(pid.Value.ToString(CultureInfo.InvariantCulture)).Append(')')
                .Append(Machine.Process(pid) switch
                {
                    null or { State: ProcessState.Reaped } => " (exited)",
                    { State: ProcessState.Zombie } => " <defunct> (a zombie: exited, not yet reaped)",
                    _ => "",
                }).Append('\n');
            for (int i = 0; i < node.Children.Count; i++)
                Walk(node.Children[i], top ? "" : indent + (last ? "    " : "│   "), i == node.Children.Count - 1, false);
        }
        Walk(root, "", true, true);
        return text.ToString().TrimEnd('\n');
    }
}

/// <summary>
/// The lab at one moment: the source with each thread's position, the threads, the output and the tree.
/// Immutable, so a <see cref="Views.Stepper"/> can keep one per step.
/// </summary>
/// <param name="ProgramName">The program's name.</param>
/// <param name="SourceLines">The program text, line by line.</param>
/// <param name="Marks">For each source line (1-based), the threads about to run it ("pid 8", "tid 9").</param>
/// <param name="Threads">The live program threads.</param>
/// <param name="Output">Everything printed so far.</param>
/// <param name="Tree">The process tree below the program's first process.</param>
/// <param name="LastStep">The last instruction run, as text.</param>
/// <param name="Status">Where the run stands.</param>
/// <param name="Problem">Why a run stopped early (deadlock, step limit), or null.</param>
[TypeFormatterSource(typeof(DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record LabFrame(string ProgramName, ImmutableArray<string> SourceLines, ImmutableDictionary<int, ImmutableArray<string>> Marks,
    ImmutableArray<ProgramThreadSnapshot> Threads, string Output, string Tree, string? LastStep, string Status, string? Problem)
{
    /// <summary>Source with markers, threads, output and tree as plain text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder($"{ProgramName} · {Status}\n");
        if (LastStep is not null) text.Append("last step: ").Append(LastStep).Append('\n');
        for (int i = 0; i < SourceLines.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i + 1,3}  {SourceLines[i]}");
            if (Marks.TryGetValue(i + 1, out var threads)) text.Append("   ◀ ").AppendJoin(", ", threads);
            text.Append('\n');
        }
        foreach (var t in Threads) text.Append("  ").Append(ThreadLine(t)).Append('\n');
        if (Problem is not null) text.Append(Problem).Append('\n');
        text.Append("output:\n").Append(Output.Length == 0 ? "(nothing yet)\n" : Output);
        if (!Output.EndsWith('\n') && Output.Length > 0) text.Append('\n');
        return text.Append("processes:\n").Append(Tree).ToString();
    }

    internal static string ThreadLine(ProgramThreadSnapshot t) =>
        $"pid {t.Tid.Value.ToString(CultureInfo.InvariantCulture)}: {t.Program.Name} line {t.Position.Line.ToString(CultureInfo.InvariantCulture)}, next {t.NextInstruction}"
        + (t.BlockedOn is null ? "" : $" [blocked: {t.BlockedOn}]");

    internal static string Variables(ProgramThreadSnapshot t) =>
        string.Join("  ", t.Variables.Where(v => v.Key != "errno" || v.Value != 0).Select(v => $"{v.Key} = {v.Value.ToString(CultureInfo.InvariantCulture)}"));
}
