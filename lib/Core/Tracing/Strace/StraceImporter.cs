using CourseKit.Kernel;

namespace CourseKit.Tracing.Strace;

/// <summary>A real trace turned into the simulator's model: the parsed trace, its events and its process tree.</summary>
/// <param name="Trace">The parsed trace (records and tasks).</param>
/// <param name="Events">The same event types the simulator records, so the event views and timeline charts draw it.</param>
/// <param name="Tree">Every process of the trace with its parent and children.</param>
public sealed record ImportedTrace(StraceTrace Trace, EventLog Events, ProcessTreeSnapshot Tree)
{
    /// <summary>The tree at one moment (processes created by then and not yet reaped).</summary>
    public ProcessTreeSnapshot TreeAt(long time) => StraceImporter.ToTree(Trace, time);

    /// <inheritdoc/>
    public override string ToString() => $"{Trace}; {Events.Count} events";
}

/// <summary>The outcome of importing trace text: the imported trace, or the error naming the line.</summary>
/// <param name="Value">The imported trace, or null.</param>
/// <param name="Error">Why the text could not be read, or null.</param>
public sealed record StraceImportResult(ImportedTrace? Value, StraceError? Error)
{
    /// <summary>True when the trace was read.</summary>
    public bool IsOk => Value is not null;

    /// <summary>The imported trace, or a <see cref="StraceFormatException"/>.</summary>
    public ImportedTrace ValueOrThrow() => Value ?? throw new StraceFormatException(Error!);

    /// <inheritdoc/>
    public override string ToString() => IsOk ? $"ok: {Value}" : $"error: {Error}";
}

/// <summary>
/// Turns a real <c>strace -f</c> trace into the simulator's <see cref="KernelEvent"/>s and
/// <see cref="ProcessTreeSnapshot"/>, so the views built for the simulator show the real kernel.
/// </summary>
/// <remarks>
/// <para>Mapping: a process system call (see <see cref="ProcessCalls"/>) becomes a <see cref="SyscallEvent"/>; other
/// calls (read, mmap, ...) are skipped. A successful clone/clone3/fork/vfork also gives a <see cref="ProcessCreated"/>
/// placed where the call began (the child may print before the parent's call returns); a successful execve a
/// <see cref="ProcessExeced"/>; "+++ exited/killed +++" a <see cref="ProcessExited"/> (a thread's end: a
/// <see cref="ThreadStateChanged"/> to Exited); a wait4/waitid that returns a pid a <see cref="ProcessReaped"/>;
/// "--- SIG ---" a <see cref="SignalDelivered"/>. A call strace split in two halves (wait4 blocking, a vfork parent
/// waiting) gives Running → Blocked at its start and Blocked → Running when it resumes.</para>
/// <para>The traced command itself gets a <see cref="ProcessCreated"/> from pid 0 (strace, which forked it outside
/// the trace) at its first line.</para>
/// <para>Time is microseconds since the first line (line numbers for a trace without timestamps), never going
/// backwards. Reparenting cannot be seen in a trace (the kernel does it silently), so it is not invented.</para>
/// </remarks>
public static class StraceImporter
{
    /// <summary>The calls kept as events: strace's "process" class (what <c>-e trace=process</c> shows).</summary>
    public static IReadOnlySet<string> ProcessCalls { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "clone", "clone3", "fork", "vfork", "execve", "execveat", "exit", "exit_group", "wait4", "waitid", "waitpid",
        "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "pidfd_open", "pidfd_send_signal",
    };

    /// <summary>Reads and imports trace text; never throws for bad input (the error names the line).</summary>
    public static StraceImportResult Import(string text)
    {
        var parsed = StraceTrace.Parse(text);
        return parsed.IsOk ? new(Import(parsed.Trace!), null) : new(null, parsed.Error);
    }

    /// <summary>Imports a parsed trace.</summary>
    public static ImportedTrace Import(StraceTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new ImportedTrace(trace, ToEvents(trace), ToTree(trace));
    }

    /// <summary>The trace as the simulator's events, in order.</summary>
    public static EventLog ToEvents(StraceTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var events = new List<(int Line, int Order, KernelEvent Event)>();
        void Add(int line, KernelEvent e) => events.Add((line, events.Count, e));
        var records = trace.Records;
        // The traced commands were created by strace itself (a fork outside the trace): say so at their first line,
        // so timelines and trees start them like any other process.
        foreach (var root in trace.Roots.Where(r => !r.IsThread))
            if (records.FirstOrDefault(r => r.Pid == root.Tid) is { } first)
                Add(first is StraceCall c ? c.StartLine : first.LineNumber, new ProcessCreated(first is StraceCall s ? s.StartTime : first.Time,
                    Pid.Zero, new Pid(root.Tid), Pid.Zero, CloneFlags.SigChld, IsThread: false));
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var pid = new Pid(record.Pid);
            switch (record)
            {
                case StraceCall call when ProcessCalls.Contains(call.Name):
                    if (call.StartLine != call.LineNumber && call.Result is not null)
                    {
                        Add(call.StartLine, new ThreadStateChanged(call.StartTime, pid, SimThreadState.Running, SimThreadState.Blocked, $"in {call.Name}"));
                        Add(call.LineNumber, new ThreadStateChanged(call.Time, pid, SimThreadState.Blocked, SimThreadState.Running, $"{call.Name} returned"));
                    }
                    Add(call.LineNumber, new SyscallEvent(call.Time, pid, call.Name, call.Arguments, call.Result?.Text ?? "? <unfinished: never returned>", ErrnoOf(call.Result)));
                    if (trace.Tasks.FirstOrDefault(t => t.CreatedBy == call) is { } child)
                        Add(call.StartLine, new ProcessCreated(call.StartTime, pid, new Pid(child.Tid), new Pid(child.ParentPid ?? 0),
                            (CloneFlags)child.CloneFlags, child.IsThread));
                    if (call.Name is "execve" or "execveat" && call.Result is { IsError: false, Value: 0 }
                        && trace.Task(call.Pid)?.Execs.FirstOrDefault(e => e.LineNumber == call.LineNumber) is { } exec)
                        Add(call.LineNumber, new ProcessExeced(call.Time, pid, exec.Path, new ValueList<string>(exec.Argv)));
                    if (ReapedBy(trace, call) is { } reaped)
                        Add(call.LineNumber, new ProcessReaped(call.Time, new Pid(reaped.Tid), new Pid(trace.Task(call.Pid)?.Tgid ?? call.Pid),
                            new WaitStatus(reaped.WaitStatus ?? 0)));
                    break;
                case StraceSignal signal when StraceNames.SignalNumber(signal.Signal) is int signo:
                    Add(signal.LineNumber, new SignalDelivered(signal.Time, pid, (Signal)signo, Sender(signal), Action(records, i, signal)));
                    break;
                case StraceExit { SupersededBy: int by } superseded:
                    // the exec'ing thread took over the leader's pid: that thread is gone, the process lives on
                    Add(superseded.LineNumber, new ThreadStateChanged(superseded.Time, new Pid(by), SimThreadState.Running, SimThreadState.Exited,
                        $"its execve replaced the process; it continues as pid {superseded.Pid}"));
                    break;
                case StraceExit exit:
                    var task = trace.Task(exit.Pid);
                    var status = exit.ExitCode is int code ? WaitStatus.Exited(code)
                        : new WaitStatus(((StraceNames.SignalNumber(exit.KilledBy ?? "") ?? 0) & 0x7f) | (exit.CoreDumped ? 0x80 : 0));
                    if (task is { IsThread: true })
                        Add(exit.LineNumber, new ThreadStateChanged(exit.Time, pid, SimThreadState.Running, SimThreadState.Exited, status.ToString()));
                    else
                        Add(exit.LineNumber, new ProcessExited(exit.Time, pid, status));
                    break;
            }
        }
        // Order by line (a creation goes where its call began), then keep time from ever going backwards.
        events.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Order.CompareTo(b.Order));
        long last = long.MinValue;
        var ordered = new List<KernelEvent>(events.Count);
        foreach (var (_, _, e) in events)
        {
            last = Math.Max(last, e.Time);
            ordered.Add(e.Time == last ? e : e with { Time = last });
        }
        return new EventLog(ordered);
    }

    /// <summary>
    /// The processes of the trace as a tree (threads are not nodes; their processes are). Without
    /// <paramref name="at"/>: every process that appeared, a zombie when it exited and nobody in the trace reaped it.
    /// With it: the processes that existed at that time, zombies being those exited but not yet reaped.
    /// </summary>
    public static ProcessTreeSnapshot ToTree(StraceTrace trace, long? at = null)
    {
        ArgumentNullException.ThrowIfNull(trace);
        long when = at ?? long.MaxValue;
        var exitTime = new Dictionary<int, long>();
        var reapTime = new Dictionary<int, long>();
        foreach (var record in trace.Records)
        {
            if (record is StraceExit { SupersededBy: null } exit) exitTime.TryAdd(exit.Pid, exit.Time);
            if (record is StraceCall call && ReapedBy(trace, call) is { } reaped) reapTime.TryAdd(reaped.Tid, call.Time);
        }
        bool Exists(StraceTask t) => (t.CreatedBy?.StartTime ?? long.MinValue) <= when
            && (at is null || !reapTime.TryGetValue(t.Tid, out long r) || r > when);
        var processes = trace.Processes.Where(Exists).ToList();
        var present = processes.Select(p => p.Tid).ToHashSet();
        var nodes = processes.Select(p => new ProcessTreeNode(
            new Pid(p.Tid), new Pid(p.ParentPid ?? 0), Command(p),
            IsZombie: exitTime.TryGetValue(p.Tid, out long e) && e <= when && p.ParentPid is int parent && trace.Task(parent) is not null
                      && (!reapTime.TryGetValue(p.Tid, out long r) || r > when),
            Children: new ValueList<Pid>(p.Children.Where(c => !c.IsThread && present.Contains(c.Tid)).Select(c => new Pid(c.Tid)))));
        return new ProcessTreeSnapshot(new ValueList<ProcessTreeNode>(nodes));
    }

    /// <summary>The command name like ps shows it: the file name of the program (inherited across fork).</summary>
    private static string Command(StraceTask task) => task.Program is null ? "?" : Path.GetFileName(task.Program);

    /// <summary>The task a wait call reaped, if it reaped one.</summary>
    private static StraceTask? ReapedBy(StraceTrace trace, StraceCall call)
    {
        if (call.Name is not ("wait4" or "waitpid" or "waitid") || call.Result is not { IsError: false, Value: long v }) return null;
        int pid;
        if (call.Name == "waitid")
        {
            if (v != 0 || call.Arguments.Contains("WNOWAIT", StringComparison.Ordinal)
                || !int.TryParse(StraceNames.ValueAfter(call.Arguments, "si_pid="), out pid)) return null;
        }
        else if (v is > 0 and <= int.MaxValue) pid = (int)v;
        else return null;
        return trace.Task(pid) is { } t && t.ReapedBy is not null ? t : null;
    }

    private static Errno? ErrnoOf(StraceResult? result) =>
        result is { IsError: true, ErrnoName: string name } && Enum.TryParse(name, out Errno errno) ? errno : null;

    /// <summary>The sender for signals a process sent (si_code SI_USER, SI_TKILL, SI_QUEUE); null when the kernel sent it.</summary>
    private static Pid? Sender(StraceSignal signal) =>
        StraceNames.ValueAfter(signal.Details, "si_code=") is "SI_USER" or "SI_TKILL" or "SI_QUEUE"
        && int.TryParse(StraceNames.ValueAfter(signal.Details, "si_pid="), out int from) ? new Pid(from) : null;

    /// <summary>What the signal did, as far as the trace shows: the next record of that task tells.</summary>
    private static string Action(IReadOnlyList<StraceRecord> records, int index, StraceSignal signal)
    {
        if (signal.Stopped) return "stopped";
        for (int j = index + 1; j < records.Count; j++)
        {
            if (records[j].Pid != signal.Pid) continue;
            return records[j] is StraceExit { KilledBy: string by } exit && by == signal.Signal
                ? exit.CoreDumped ? "core dumped" : "terminated"
                : "delivered (handled or ignored)";
        }
        return "delivered";
    }
}
