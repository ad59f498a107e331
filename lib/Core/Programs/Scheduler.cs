using System.Collections.Immutable;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Programs;

/// <summary>One executed step: which thread ran which instruction and what came of it.</summary>
public sealed record StepReport(long Step, long Time, Pid Tid, string Program, int Pc, StepKind Kind, string Text)
{
    /// <summary>"#12 t=5 pid 7 @3 pid = fork()  → 8".</summary>
    public override string ToString() => $"#{Step} t={Time} {Tid} @{Pc} {Text}";
}

/// <summary>How a run ended.</summary>
public enum RunStatus
{
    /// <summary>Every thread that runs a program has ended.</summary>
    Completed,
    /// <summary>Every live thread is blocked and none can ever wake: see <see cref="RunResult.Message"/>.</summary>
    Deadlock,
    /// <summary>The step limit was reached first (an endless loop, or a limit set too low).</summary>
    StepLimit,
    /// <summary>The program text did not compile (<see cref="ProgramSession"/>): the message holds the diagnostics.</summary>
    CompileError,
}

/// <summary>The result of <see cref="Scheduler.Run"/>: why it stopped, after how many steps, and what was printed.</summary>
public sealed record RunResult(RunStatus Status, long Steps, string Output, string Message)
{
    /// <summary>The message, then the output.</summary>
    public override string ToString() => Output.Length == 0 ? Message : $"{Message}\n{Output}";
}

/// <summary>
/// Runs the threads of a <see cref="Machine"/> that execute programs, one instruction per step, on one CPU.
/// The order comes from a <see cref="SchedulingPolicy"/> (deterministic round robin by default, or seeded
/// random). A call that would sleep (wait with running children, a vfork parent) leaves the thread blocked
/// at the same PC and is retried when something has happened since; when every live thread is blocked the
/// run stops with a deadlock report naming each thread and what it waits for. sleep(n) uses logical time:
/// when only sleepers are left the clock jumps to the earliest wake-up.
/// </summary>
public sealed class Scheduler
{
    private readonly List<Pid> _queue = [];
    private readonly Interpreter _interpreter;
    private readonly System.Text.StringBuilder _stores = new();
    private int _currentRun;

    /// <summary>A scheduler for <paramref name="machine"/> (one per machine: it owns the run queue).</summary>
    public Scheduler(Machine machine, SchedulingPolicy? policy = null, IProgramOutput? output = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        Machine = machine;
        Policy = policy ?? SchedulingPolicy.RoundRobin();
        Output = output ?? UnbufferedOutput.Instance;
        Loader = new ProgramLoader(machine);
        _interpreter = new Interpreter(machine, new OutputHook(this));
    }

    /// <summary>The machine whose threads run.</summary>
    public Machine Machine { get; }

    /// <summary>How the next thread is chosen.</summary>
    public SchedulingPolicy Policy { get; }

    /// <summary>Where print/printf text goes: the hook the stdio buffers of the files layer replace.</summary>
    public IProgramOutput Output { get; set; }

    /// <summary>Finds the program a thread runs after exec (installed programs and the catalogue's default behaviours).</summary>
    public ProgramLoader Loader { get; }

    /// <summary>Steps run so far.</summary>
    public long Steps { get; private set; }

    /// <summary>The thread that ran the last step, if any.</summary>
    public Pid? Current { get; private set; }

    /// <summary>
    /// Installs <paramref name="program"/> as /home/student/NAME and starts it the way a shell would (init forks,
    /// the child execs it); returns the new process's PID.
    /// </summary>
    public Pid Start(Program program, params string[] argv)
    {
        ArgumentNullException.ThrowIfNull(program);
        var path = "/home/student/" + program.Name;
        Loader.Install(path, program);
        return Machine.Start(path, argv.Length == 0 ? [program.Name] : argv);
    }

    /// <summary>Compiles and starts program text (throws <see cref="ProgramSyntaxException"/> for text that does not compile).</summary>
    public Pid Start(string source, string name = "prog") => Start(Program.Compile(source, name));

    /// <summary>Everything the programs printed so far, in order (the ProgramOutput events of the machine).</summary>
    public string Printed
    {
        get
        {
            CatchUpWithEvents();
            return _printed.ToString();
        }
    }

    /// <summary>The highest PID handed out so far: the next fork's PID follows it (part of the enumerator's state key).</summary>
    internal int HighestPid
    {
        get
        {
            CatchUpWithEvents();
            return _highestPid;
        }
    }

    private readonly System.Text.StringBuilder _printed = new();
    private int _eventsSeen;
    private int _highestPid;

    /// <summary>Folds the events appended since the last look (the log only grows), so long runs stay linear.</summary>
    private void CatchUpWithEvents()
    {
        var events = Machine.Events;
        for (; _eventsSeen < events.Count; _eventsSeen++)
        {
            if (events[_eventsSeen] is ProgramOutput output) _printed.Append(output.Text);
            else if (events[_eventsSeen] is ProcessCreated created) _highestPid = Math.Max(_highestPid, created.Child.Value);
        }
    }

    /// <summary>Runs one instruction of the thread the policy picks; null when no thread can run (finished or deadlocked).</summary>
    public StepReport? Step()
    {
        var runnable = RunnableThreads();
        if (runnable.Count == 0) return null;
        var current = Current is { } c && runnable.Contains(c) ? c : (Pid?)null;
        var tid = Policy.Choose(new SchedulingPolicy.Decision(runnable, current, _currentRun));
        if (!runnable.Contains(tid)) throw new InvalidOperationException($"the scheduling policy chose {tid}, which is not runnable");
        return Step(tid);
    }

    /// <summary>Runs one instruction of a given runnable thread (for exercises that pick the order by hand).</summary>
    public StepReport Step(Pid tid)
    {
        var context = Loader.ContextOf(tid) ?? throw new ArgumentException($"{tid} does not run a program", nameof(tid));
        if (!IsRunnable(tid)) throw new ArgumentException($"{tid} is not runnable ({Describe(tid, context)})", nameof(tid));
        Switch(tid);
        int pc = context.Pc;
        var program = context.Program.Name;
        long time = Machine.Clock;
        var store = DescribeStore(tid, context);
        var outcome = _interpreter.Step(tid, context);
        if (store is not null && outcome.Kind == StepKind.Ran) _stores.Append(store);
        if (outcome.Kind is not StepKind.Ran and not StepKind.Execed) GiveUpCpu(tid);
        Steps++;
        return new StepReport(Steps, time, tid, program, pc, outcome.Kind, outcome.Text);
    }

    /// <summary>
    /// Runs until every program thread has ended, a deadlock, or <paramref name="maxSteps"/> steps (so an endless
    /// loop ends with a clear message instead of hanging the notebook).
    /// </summary>
    public RunResult Run(long maxSteps = 100_000)
    {
        long start = Steps;
        while (Steps - start < maxSteps)
        {
            if (Step() is not null) continue;
            var blocked = LiveThreads().ToList();
            if (blocked.Count == 0)
                return new RunResult(RunStatus.Completed, Steps - start, Printed, $"completed in {Steps - start} steps");
            return new RunResult(RunStatus.Deadlock, Steps - start, Printed, DeadlockMessage(blocked));
        }
        return new RunResult(RunStatus.StepLimit, Steps - start, Printed,
            $"stopped after the step limit of {maxSteps} steps; still running: {string.Join(", ", LiveThreads().Select(t => t.Tid))} (an endless loop?)");
    }

    /// <summary>Immutable snapshots of every live program thread (PC, next instruction, variables, blocked/sleeping).</summary>
    public ValueList<ProgramThreadSnapshot> Threads() => new(LiveThreads().Select(t => t.Context.Snapshot(t.Tid, Machine.Thread(t.Tid)?.BlockedOn)));

    /// <summary>The listing of <paramref name="program"/> with a marker at each live thread's PC.</summary>
    public ProgramListing Listing(Program program)
    {
        var markers = LiveThreads().Where(t => t.Context.Program == program)
            .GroupBy(t => t.Context.Pc)
            .ToImmutableDictionary(g => g.Key, g => g.Select(t => t.Tid.ToString()).ToImmutableArray());
        return new ProgramListing(program, markers);
    }

    /// <summary>Every memory write so far, in order ("tid:address=value;"): part of the state key of <see cref="OutputOrders"/>.</summary>
    internal string StoreHistory => _stores.ToString();

    private static string? DescribeStore(Pid tid, ProgramContext context) =>
        context.Program.Instructions[context.Pc] is StoreInstruction store
            ? $"{tid.Value}:{Interpreter.Read(context, store.Address)}={Interpreter.Read(context, store.Value)};"
            : null;

    /// <summary>An immutable picture of every program thread, each program's listing with PC markers, and the output.</summary>
    public SchedulerSnapshot Snapshot()
    {
        var live = LiveThreads().ToList();
        var programs = live.Select(t => t.Context.Program).Distinct().ToList();
        return new SchedulerSnapshot(Machine.Clock, Steps, Policy.ToString() ?? "", Current,
            Threads(), new(programs.Select(Listing)), Printed);
    }

    // ---- run queue ----

    /// <summary>The live threads that run a program, in run-queue order (new threads join the tail).</summary>
    internal IEnumerable<(Pid Tid, ProgramContext Context)> LiveThreads()
    {
        var live = new List<(Pid, ProgramContext)>();
        foreach (var tid in Machine.Threads.Select(t => t.Tid))
        {
            var context = Loader.ContextOf(tid);
            if (context is null) continue;
            if (!_queue.Contains(tid)) _queue.Add(tid);
            live.Add((tid, context));
        }
        _queue.RemoveAll(tid => !live.Any(l => l.Item1 == tid));
        return _queue.Select(tid => live.First(l => l.Item1 == tid));
    }

    /// <summary>The threads that may run now; when only sleepers are left, the clock jumps to the first wake-up.</summary>
    internal List<Pid> RunnableThreads()
    {
        var live = LiveThreads().ToList();
        WakeSleepers(live);
        var runnable = live.Where(t => IsRunnable(t.Tid)).Select(t => t.Tid).ToList();
        if (runnable.Count > 0) return runnable;
        var wake = live.Select(t => t.Context.SleepUntil).Where(t => t is not null).Min();
        if (wake is null) return runnable;
        Machine.AdvanceClockTo(wake.Value);
        WakeSleepers(live);
        return [.. live.Where(t => IsRunnable(t.Tid)).Select(t => t.Tid)];
    }

    private void WakeSleepers(List<(Pid Tid, ProgramContext Context)> live)
    {
        foreach (var (tid, context) in live)
        {
            if (context.SleepUntil is not { } until || Machine.Clock < until) continue;
            context.SleepUntil = null;
            Machine.WakeFromSleep(tid, Machine.Clock);
            FinishSleep(context);
        }
    }

    /// <summary>sleep(n) returns 0 once the time has come: the PC moves past the call that put the thread to sleep.</summary>
    private static void FinishSleep(ProgramContext context)
    {
        if (context.Program.Instructions[context.Pc] is not CallInstruction { Function.Name: "sleep" } call) return;
        if (call.Destination is not null) context.Set(call.Destination, 0);
        context.Pc++;
    }

    private bool IsRunnable(Pid tid) => Machine.Thread(tid) is { State: not SimThreadState.Blocked and not SimThreadState.Exited };

    /// <summary>Gives the CPU to <paramref name="tid"/>; a preempted thread goes to the tail of the run queue.</summary>
    private void Switch(Pid tid)
    {
        if (Current == tid && Machine.Thread(tid)?.State == SimThreadState.Running) // still on the CPU: nobody else ran in between
        {
            _currentRun++;
            return;
        }
        if (Current is { } previous) MoveToTail(previous);
        Machine.Schedule(tid);
        Current = tid;
        _currentRun = 1;
    }

    /// <summary>A thread that blocks, sleeps, yields, execs away or ends leaves the CPU and goes to the tail.</summary>
    private void GiveUpCpu(Pid tid)
    {
        MoveToTail(tid);
        Current = null;
        _currentRun = 0;
    }

    private void MoveToTail(Pid tid)
    {
        if (_queue.Remove(tid)) _queue.Add(tid);
    }

    private string DeadlockMessage(List<(Pid Tid, ProgramContext Context)> blocked) =>
        "deadlock: every live thread is blocked and nothing can wake them:\n" +
        string.Join("\n", blocked.Select(t => $"  {t.Tid} at {t.Context.Pc}: {t.Context.Program.Instructions[t.Context.Pc]} (line {t.Context.Program.Instructions[t.Context.Pc].Position.Line}) — {Describe(t.Tid, t.Context)}"));

    private string Describe(Pid tid, ProgramContext context) =>
        Machine.Thread(tid)?.BlockedOn ?? (context.SleepUntil is { } s ? $"sleeping until t={s}" : "runnable");

    /// <summary>
    /// What each thread handed to the output hook so far (its own writes and flushes): part of the enumerator's
    /// state key, because a buffered hook holds text that is not printed yet.
    /// </summary>
    internal string OutputHistory => string.Join(";", _outputHistory.OrderBy(h => h.Key).Select(h => $"{h.Key}:{h.Value}"));

    private readonly Dictionary<int, System.Text.StringBuilder> _outputHistory = [];

    private void RememberOutput(Pid tid, string what)
    {
        if (!_outputHistory.TryGetValue(tid.Value, out var history)) _outputHistory[tid.Value] = history = new();
        history.Append(what).Append('\u0001');
    }

    /// <summary>Routes the interpreter's output through <see cref="Output"/>, so a helper can swap the hook at any time.</summary>
    private sealed class OutputHook(Scheduler scheduler) : IProgramOutput
    {
        public void Write(Machine machine, Pid tid, string text)
        {
            scheduler.RememberOutput(tid, text);
            scheduler.Output.Write(machine, tid, text);
        }

        public void Flush(Machine machine, Pid tid)
        {
            scheduler.RememberOutput(tid, "\u0002");
            scheduler.Output.Flush(machine, tid);
        }
    }
}
