using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Kernel;

/// <summary>The life of a process, as ps shows it in the STAT column.</summary>
public enum ProcessState
{
    /// <summary>R: at least one thread can run.</summary>
    Running,
    /// <summary>S: every thread is blocked.</summary>
    Sleeping,
    /// <summary>Z: dead, holding its PID and exit status until its parent reaps it.</summary>
    Zombie,
    /// <summary>Reaped: gone from the process table (only seen through an old reference).</summary>
    Reaped,
}

/// <summary>
/// The per-process fd table, provided by the files layer (issue "Files, pipes and the shell"). The kernel
/// calls these hooks at fork, clone, exec and exit; until that layer exists a process has none.
/// </summary>
public interface IFileTable
{
    /// <summary>fork without CLONE_FILES: a copy whose fds point at the same open file descriptions.</summary>
    IFileTable CopyForFork();
    /// <summary>CLONE_FILES: one more process uses this very table.</summary>
    void Share();
    /// <summary>exec: a process whose table is shared gets its own copy (the table is unshared).</summary>
    IFileTable Unshare();
    /// <summary>exec: close the fds marked close-on-exec.</summary>
    void CloseOnExec();
    /// <summary>A process stops using the table (exit, or after unsharing); the last user closes every fd.</summary>
    void Release();
}

/// <summary>The signal dispositions of a process (shared by processes created with CLONE_SIGHAND).</summary>
public sealed class SignalTable
{
    private readonly SignalDisposition[] _dispositions = new SignalDisposition[65];

    /// <summary>What the process does with <paramref name="signal"/>.</summary>
    public SignalDisposition this[Signal signal] => _dispositions[(int)signal];

    internal void Set(Signal signal, SignalDisposition disposition) => _dispositions[(int)signal] = disposition;

    internal SignalTable Copy()
    {
        var copy = new SignalTable();
        _dispositions.CopyTo(copy._dispositions, 0);
        return copy;
    }

    /// <summary>exec: caught signals go back to the default (the handler code is gone); ignored ones stay ignored.</summary>
    internal void ResetCaughtHandlers()
    {
        for (int i = 0; i < _dispositions.Length; i++)
            if (_dispositions[i] == SignalDisposition.Handler) _dispositions[i] = SignalDisposition.Default;
    }

    internal int Users { get; set; } = 1;
}

/// <summary>Root, current directory and umask (shared by processes created with CLONE_FS).</summary>
public sealed class FsContext
{
    /// <summary>The current working directory.</summary>
    public string Cwd { get; internal set; } = "/home/student";
    /// <summary>The file-creation mask.</summary>
    public int Umask { get; internal set; } = 0x12; // 022 octal

    internal FsContext Copy() => new() { Cwd = Cwd, Umask = Umask };
}

/// <summary>
/// A process (a thread group): its identity, family, threads, memory and exit status. A read-only live view
/// for lessons; the system calls on <see cref="Machine"/> are the only way to change it, so impossible
/// transitions (a zombie that runs again) cannot be written.
/// </summary>
public sealed class Process
{
    internal readonly List<SimThread> ThreadList = [];
    internal readonly List<Process> ChildList = [];

    internal Process(Pid pid, int uid)
    {
        Pid = pid;
        Uid = uid;
    }

    // ----- identity -----

    /// <summary>The process ID (= thread-group ID, = the main thread's TID).</summary>
    public Pid Pid { get; }
    /// <summary>The owner's user ID (init is root, 0; processes started for the student are 1000).</summary>
    public int Uid { get; internal set; }
    /// <summary>The command name (comm): the executable's base name, at most 15 characters.</summary>
    public string Command { get; internal set; } = "";
    /// <summary>The arguments of the last exec.</summary>
    public IReadOnlyList<string> Argv { get; internal set; } = [];
    /// <summary>The path of the executable running.</summary>
    public string Executable { get; internal set; } = "";

    // ----- family -----

    /// <summary>The parent (null only for init). After the parent dies, init or the nearest subreaper.</summary>
    public Process? Parent { get; internal set; }
    /// <summary>The parent's PID (0 for init).</summary>
    public Pid PPid => Parent?.Pid ?? Pid.Zero;
    /// <summary>The parent whose death made this process an orphan (the latest one, if that happened twice); null if never reparented.</summary>
    public Pid? ReparentedFrom { get; internal set; }
    /// <summary>Children in the order the kernel scans them in wait (oldest first; reparented ones at the end).</summary>
    public IReadOnlyList<Process> Children => ChildList;
    /// <summary>Set by prctl(PR_SET_CHILD_SUBREAPER): orphaned descendants are reparented here instead of init.</summary>
    public bool IsChildSubreaper { get; internal set; }
    /// <summary>The process group (job) it belongs to: inherited at fork, changed by setpgid. Shells put each job in its own group so kill(-pgid) and waitpid(-pgid) reach the whole pipeline.</summary>
    public Pid Pgid { get; internal set; }
    /// <summary>True once the process has exec'd since its fork (a parent may then no longer change its group: EACCES).</summary>
    internal bool HasExeced { get; set; }
    /// <summary>The signal sent to the parent at death (SIGCHLD for fork; 0 for some clone children).</summary>
    public int ExitSignal { get; internal set; } = (int)Signal.SIGCHLD;

    // ----- execution -----

    /// <summary>The threads, main thread first.</summary>
    public IReadOnlyList<SimThread> Threads => ThreadList;
    /// <summary>R, S or Z (from the threads), or Reaped.</summary>
    public ProcessState State => Reaped ? ProcessState.Reaped
        : ExitStatus is not null ? ProcessState.Zombie
        : ThreadList.Any(t => t.State != SimThreadState.Blocked) ? ProcessState.Running
        : ProcessState.Sleeping;
    /// <summary>The wait status once the process is dead.</summary>
    public WaitStatus? ExitStatus { get; internal set; }
    internal bool Reaped { get; set; }
    /// <summary>The parent thread sleeping in vfork until this child execs or exits.</summary>
    internal SimThread? VforkParent { get; set; }

    // ----- resources (some shared through clone flags) -----

    /// <summary>The address space (null once dead). Shared with CLONE_VM.</summary>
    public AddressSpace? AddressSpace { get; internal set; }
    /// <summary>Page faults this process took, by kind.</summary>
    public FaultCounters Faults { get; } = new();
    /// <summary>Signal dispositions (shared with CLONE_SIGHAND).</summary>
    public SignalTable Signals { get; internal set; } = new();
    /// <summary>Root, cwd, umask (shared with CLONE_FS).</summary>
    public FsContext Fs { get; internal set; } = new();
    /// <summary>The fd table (null until the files layer provides one). Shared with CLONE_FILES.</summary>
    public IFileTable? FileTable { get; set; }

    /// <summary>smaps totals for the whole process (zero once dead).</summary>
    public Smaps Smaps() => AddressSpace?.Smaps() ?? default;

    /// <summary>An immutable picture of this process now.</summary>
    public ProcessSnapshot Snapshot() => ProcessSnapshot.Of(this);

    /// <summary>"pid 7 (sh)".</summary>
    public override string ToString() => $"{Pid} ({Command})";
}
