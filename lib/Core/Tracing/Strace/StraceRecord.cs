namespace CourseKit.Tracing.Strace;

/// <summary>
/// One logical event of a trace, after an interrupted call's two halves were joined and every line was
/// given its task: what happened (<see cref="StraceCall"/>, <see cref="StraceSignal"/>, <see cref="StraceExit"/>),
/// in which task, and when.
/// </summary>
/// <param name="LineNumber">The line where the event completed (for a split call: the "resumed" line).</param>
/// <param name="Pid">The task (thread) ID; equals the process ID for a single-threaded process.</param>
/// <param name="Time">Microseconds since the first timestamped line, or the line number when the trace has no timestamps.</param>
public abstract record StraceRecord(int LineNumber, int Pid, long Time);

/// <summary>A system call, joined from its "&lt;unfinished ...&gt;" and "&lt;... resumed&gt;" halves when strace split it.</summary>
/// <param name="Name">"clone3", "execve", "wait4"...</param>
/// <param name="Arguments">The whole argument text (both halves).</param>
/// <param name="Result">What it returned; null when the trace ends (or the task dies) before it returns.</param>
/// <param name="StartLine">The line where the call began (equals LineNumber unless it was split).</param>
/// <param name="StartTime">When it began (same unit as Time).</param>
/// <param name="LineNumber">As in <see cref="StraceRecord.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceRecord.Pid"/>.</param>
/// <param name="Time">As in <see cref="StraceRecord.Time"/>.</param>
public sealed record StraceCall(int LineNumber, int Pid, long Time, string Name, string Arguments, StraceResult? Result,
    int StartLine, long StartTime) : StraceRecord(LineNumber, Pid, Time)
{
    /// <summary>The arguments split at top-level commas.</summary>
    public IReadOnlyList<string> ArgumentList => StraceArguments.Split(Arguments);

    /// <summary>strace's own form: "wait4(-1, ..., 0, NULL) = 42".</summary>
    public override string ToString() => $"{Name}({Arguments}) = {Result?.Text ?? "<unfinished>"}";
}

/// <summary>A signal delivered to a task ("--- SIGCHLD {...} ---"), or the task stopped by one.</summary>
/// <param name="LineNumber">As in <see cref="StraceRecord.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceRecord.Pid"/>.</param>
/// <param name="Time">As in <see cref="StraceRecord.Time"/>.</param>
/// <param name="Signal">"SIGCHLD"...</param>
/// <param name="Details">The siginfo text.</param>
/// <param name="Stopped">A "stopped by" line.</param>
public sealed record StraceSignal(int LineNumber, int Pid, long Time, string Signal, string Details, bool Stopped)
    : StraceRecord(LineNumber, Pid, Time);

/// <summary>A task ended: "+++ exited with N +++", "+++ killed by SIG +++" or replaced by another thread's execve.</summary>
/// <param name="LineNumber">As in <see cref="StraceRecord.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceRecord.Pid"/>.</param>
/// <param name="Time">As in <see cref="StraceRecord.Time"/>.</param>
/// <param name="ExitCode">N of "exited with N".</param>
/// <param name="KilledBy">The signal name of "killed by".</param>
/// <param name="CoreDumped">"(core dumped)" was printed.</param>
/// <param name="SupersededBy">The thread whose execve replaced this task.</param>
public sealed record StraceExit(int LineNumber, int Pid, long Time, int? ExitCode, string? KilledBy, bool CoreDumped, int? SupersededBy)
    : StraceRecord(LineNumber, Pid, Time);
