namespace CourseKit.Tracing.Strace;

/// <summary>How a trace line was timestamped (strace's -t, -tt, -ttt and -r options).</summary>
public enum StraceTimestampKind
{
    /// <summary>No timestamp: time is the line number.</summary>
    None,
    /// <summary>-t or -tt: time of day ("08:33:09" or "08:33:09.123456").</summary>
    TimeOfDay,
    /// <summary>-ttt: seconds since the epoch ("1795941189.925078").</summary>
    Epoch,
    /// <summary>-r: seconds since the previous line ("     0.000657").</summary>
    Relative,
}

/// <summary>
/// One physical line of strace output, split into its parts but not yet paired with other lines.
/// </summary>
/// <param name="LineNumber">1-based line number in the text.</param>
/// <param name="Pid">The task ID from a "1234 " or "[pid 1234] " prefix; null when the line had none
/// (strace omits it while it traces a single task and writes to stderr).</param>
/// <param name="TimestampKind">Which timestamp format the line carried.</param>
/// <param name="Microseconds">The timestamp in microseconds (since the epoch, midnight, or the previous line).</param>
public abstract record StraceLine(int LineNumber, int? Pid, StraceTimestampKind TimestampKind, long Microseconds);

/// <summary>
/// A system call line: complete ("wait4(-1, ...) = 42"), the first half of an interrupted one
/// ("wait4(-1,  &lt;unfinished ...&gt;") or the second half ("&lt;... wait4 resumed&gt;..., 0, NULL) = 42").
/// </summary>
/// <param name="Name">System call name, e.g. "clone3".</param>
/// <param name="Arguments">The argument text on this line (for a resumed half: the part after "resumed&gt;").</param>
/// <param name="Result">The result after " = ", or null for an unfinished half.</param>
/// <param name="IsUnfinished">The line ends with "&lt;unfinished ...&gt;" (or "&lt;detached ...&gt;").</param>
/// <param name="IsResumed">The line starts with "&lt;... name resumed&gt;".</param>
/// <param name="LineNumber">As in <see cref="StraceLine.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceLine.Pid"/>.</param>
/// <param name="TimestampKind">As in <see cref="StraceLine.TimestampKind"/>.</param>
/// <param name="Microseconds">As in <see cref="StraceLine.Microseconds"/>.</param>
public sealed record StraceCallLine(int LineNumber, int? Pid, StraceTimestampKind TimestampKind, long Microseconds,
    string Name, string Arguments, StraceResult? Result, bool IsUnfinished, bool IsResumed)
    : StraceLine(LineNumber, Pid, TimestampKind, Microseconds);

/// <summary>"--- SIGCHLD {si_signo=SIGCHLD, ...} ---" (a signal delivered) or "--- stopped by SIGSTOP ---".</summary>
/// <param name="Signal">Signal name as strace prints it, e.g. "SIGCHLD".</param>
/// <param name="Details">The siginfo text between the braces (empty when none).</param>
/// <param name="Stopped">True for a "stopped by" line (the task was stopped, not sent a handler call).</param>
/// <param name="LineNumber">As in <see cref="StraceLine.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceLine.Pid"/>.</param>
/// <param name="TimestampKind">As in <see cref="StraceLine.TimestampKind"/>.</param>
/// <param name="Microseconds">As in <see cref="StraceLine.Microseconds"/>.</param>
public sealed record StraceSignalLine(int LineNumber, int? Pid, StraceTimestampKind TimestampKind, long Microseconds,
    string Signal, string Details, bool Stopped)
    : StraceLine(LineNumber, Pid, TimestampKind, Microseconds);

/// <summary>"+++ exited with 3 +++", "+++ killed by SIGKILL +++" or "+++ superseded by execve in pid N +++".</summary>
/// <param name="ExitCode">The exit code for "exited with"; null otherwise.</param>
/// <param name="KilledBy">The signal name for "killed by"; null otherwise.</param>
/// <param name="CoreDumped">"(core dumped)" followed the signal.</param>
/// <param name="SupersededBy">For "superseded by execve in pid N": N, the thread whose execve replaced this one.</param>
/// <param name="LineNumber">As in <see cref="StraceLine.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceLine.Pid"/>.</param>
/// <param name="TimestampKind">As in <see cref="StraceLine.TimestampKind"/>.</param>
/// <param name="Microseconds">As in <see cref="StraceLine.Microseconds"/>.</param>
public sealed record StraceExitLine(int LineNumber, int? Pid, StraceTimestampKind TimestampKind, long Microseconds,
    int? ExitCode, string? KilledBy, bool CoreDumped, int? SupersededBy)
    : StraceLine(LineNumber, Pid, TimestampKind, Microseconds);

/// <summary>A message from strace itself ("strace: Process 42 attached"); kept so nothing is silently lost.</summary>
/// <param name="Text">The message after "strace: ".</param>
/// <param name="AttachedPid">For "Process N attached": N.</param>
/// <param name="LineNumber">As in <see cref="StraceLine.LineNumber"/>.</param>
/// <param name="Pid">As in <see cref="StraceLine.Pid"/>.</param>
/// <param name="TimestampKind">As in <see cref="StraceLine.TimestampKind"/>.</param>
/// <param name="Microseconds">As in <see cref="StraceLine.Microseconds"/>.</param>
public sealed record StraceNoteLine(int LineNumber, int? Pid, StraceTimestampKind TimestampKind, long Microseconds,
    string Text, int? AttachedPid)
    : StraceLine(LineNumber, Pid, TimestampKind, Microseconds);

/// <summary>
/// The result of a call as strace prints it after " = ": a number ("42", "0x55d1c000"), "?" (the call did
/// not return: exit, exit_group, a successful execve seen from the old image), optionally an errno name and
/// its text ("-1 ENOENT (No such file or directory)") or another annotation ("0 (Timeout)").
/// </summary>
/// <param name="Text">The whole result text, e.g. "-1 ENOENT (No such file or directory)".</param>
/// <param name="Value">The numeric value, or null for "?".</param>
/// <param name="ErrnoName">"ENOENT" when the call failed (or "ERESTARTSYS" after "?"); null otherwise.</param>
/// <param name="Comment">The text in parentheses after the value or errno, if any.</param>
public sealed record StraceResult(string Text, long? Value, string? ErrnoName, string? Comment)
{
    /// <summary>True when the call reported an error (an errno name follows the value).</summary>
    public bool IsError => ErrnoName is not null && Value is not null && Value < 0;

    /// <summary>True for "?": the call never returned to the caller.</summary>
    public bool NoReturn => Value is null;
}
