namespace CourseKit.Kernel;

/// <summary>The life of a thread (the scheduler's view).</summary>
public enum SimThreadState
{
    /// <summary>Ready to run, waiting for a CPU.</summary>
    Runnable,
    /// <summary>Picked by the scheduler and running.</summary>
    Running,
    /// <summary>Asleep until something happens (a child exits, a vfork child execs, a pipe has data).</summary>
    Blocked,
    /// <summary>Finished; a process's last thread to finish makes it a zombie.</summary>
    Exited,
}

/// <summary>What a blocked thread sleeps on.</summary>
public enum WaitChannel
{
    /// <summary>Not blocked.</summary>
    None,
    /// <summary>In wait4: until a child changes state.</summary>
    ChildExit,
    /// <summary>A vfork parent: until the child execs or exits.</summary>
    VforkDone,
    /// <summary>Something outside the core (a pipe, a sleep): the layer that blocked it wakes it.</summary>
    Other,
}

/// <summary>
/// The per-thread execution state the program interpreter owns (program counter, registers). The kernel
/// only copies it: fork and clone give the child a copy whose return register holds 0, which is how
/// "fork returns twice" happens.
/// </summary>
public interface IThreadContext
{
    /// <summary>A copy for a new thread or process, with the system call's return value set to <paramref name="returnValue"/>.</summary>
    IThreadContext CloneForChild(long returnValue);

    /// <summary>Where the thread is in its program (shown in snapshots).</summary>
    int ProgramCounter { get; }
}

/// <summary>
/// A thread of a process (Linux's task). A process has one or more; all share its address space, and the
/// first one's TID equals the process's PID. Lessons read it; only the kernel changes it.
/// </summary>
public sealed class SimThread
{
    internal SimThread(Pid tid, Process process)
    {
        Tid = tid;
        Process = process;
    }

    /// <summary>The thread ID (from the same number space as PIDs).</summary>
    public Pid Tid { get; internal set; }

    /// <summary>The process (thread group) this thread belongs to.</summary>
    public Process Process { get; }

    /// <summary>Runnable, running, blocked or exited.</summary>
    public SimThreadState State { get; internal set; }

    /// <summary>What a blocked thread waits for.</summary>
    public WaitChannel Channel { get; internal set; }

    /// <summary>A student-readable description of what a blocked thread waits for.</summary>
    public string? BlockedOn { get; internal set; }

    /// <summary>The interpreter's state for this thread (null when no program drives it).</summary>
    public IThreadContext? Context { get; set; }

    /// <summary>True for the main thread (TID = PID).</summary>
    public bool IsLeader => Tid == Process.Pid;

    /// <summary>"pid 7" or "tid 9 of pid 7".</summary>
    public override string ToString() => IsLeader ? Process.Pid.ToString() : $"tid {Tid.Value} of {Process.Pid}";
}
