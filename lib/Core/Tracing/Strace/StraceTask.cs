namespace CourseKit.Tracing.Strace;

/// <summary>How a task came to exist, read from the call that created it.</summary>
public enum StraceCreation
{
    /// <summary>The traced command itself (created before strace started following it).</summary>
    Traced,
    /// <summary>fork(2) (glibc's fork is clone(SIGCHLD): that shows as <see cref="Clone"/>).</summary>
    Fork,
    /// <summary>vfork(2).</summary>
    Vfork,
    /// <summary>clone(2).</summary>
    Clone,
    /// <summary>clone3(2) (glibc's pthread_create and posix_spawn).</summary>
    Clone3,
    /// <summary>Seen in the trace without a creating call (attached, or the call is not in the trace).</summary>
    Unknown,
}

/// <summary>One execve a task made, successful or not.</summary>
/// <param name="LineNumber">Line of the (completed) execve.</param>
/// <param name="Time">When it completed.</param>
/// <param name="Path">The path argument.</param>
/// <param name="Argv">The argv argument (possibly truncated by strace).</param>
/// <param name="ErrnoName">null when the exec succeeded, else "ENOENT", "EACCES"...</param>
public sealed record StraceExec(int LineNumber, long Time, string Path, IReadOnlyList<string> Argv, string? ErrnoName)
{
    /// <summary>True when the program image was replaced.</summary>
    public bool Succeeded => ErrnoName is null;
}

/// <summary>
/// A task (process or thread) of the trace, as a node of the process tree: who created it and how,
/// what it executed, how it ended and who reaped it.
/// </summary>
public sealed class StraceTask
{
    internal StraceTask(int tid) { Tid = tid; Tgid = tid; }

    /// <summary>Task ID (for the main thread of a process, its PID).</summary>
    public int Tid { get; }
    /// <summary>Thread group ID: the PID of the process this task belongs to (equals Tid for a process).</summary>
    public int Tgid { get; internal set; }
    /// <summary>True when created with CLONE_THREAD: a thread of <see cref="Tgid"/>, not a new process.</summary>
    public bool IsThread => Tid != Tgid;
    /// <summary>The parent process (a PID), or null for the traced command (its parent is strace's caller).</summary>
    public int? ParentPid { get; internal set; }
    /// <summary>The task that made the creating call (differs from ParentPid for threads and CLONE_PARENT).</summary>
    public int? CreatorTid { get; internal set; }
    /// <summary>Which call created it.</summary>
    public StraceCreation Creation { get; internal set; } = StraceCreation.Unknown;
    /// <summary>The creating call's clone flags, with the exit signal in the low byte (fork: SIGCHLD = 17).</summary>
    public ulong CloneFlags { get; internal set; }
    /// <summary>The creating call itself (null for the traced command).</summary>
    public StraceCall? CreatedBy { get; internal set; }
    /// <summary>Every execve it made, in order.</summary>
    public IReadOnlyList<StraceExec> Execs => execs;
    /// <summary>The exit code from "+++ exited with N +++"; null when killed or still running at the end.</summary>
    public int? ExitCode { get; internal set; }
    /// <summary>The signal name from "+++ killed by SIG +++".</summary>
    public string? KilledBy { get; internal set; }
    /// <summary>"(core dumped)" followed the kill.</summary>
    public bool CoreDumped { get; internal set; }
    /// <summary>The wait status word Linux would report (exit code &lt;&lt; 8, or the signal number [| 0x80]); null while alive.</summary>
    public int? WaitStatus { get; internal set; }
    /// <summary>The process whose wait4/waitid returned this task's PID; null if nobody reaped it in the trace.</summary>
    public int? ReapedBy { get; internal set; }
    /// <summary>Tasks it created (threads and processes), in creation order.</summary>
    public IReadOnlyList<StraceTask> Children => children;
    /// <summary>The last successfully executed program, or the inherited one (by its parent), or null.</summary>
    public string? Program { get; internal set; }

    internal readonly List<StraceExec> execs = [];
    internal readonly List<StraceTask> children = [];

    /// <summary>"pid 42 (ls)" or "thread 43 of pid 42".</summary>
    public override string ToString() => IsThread
        ? $"thread {Tid} of pid {Tgid}"
        : $"pid {Tid}{(Program is null ? "" : $" ({System.IO.Path.GetFileName(Program)})")}";
}
