using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Tracing;

/// <summary>
/// Something the kernel did, at a logical time, on behalf of or to a task (<paramref name="Pid"/> is the
/// thread or process the event is about). Everything observable goes through these records: views,
/// timelines and charts fold the <see cref="EventLog"/>, and the strace importer produces the same types
/// from real traces so the two can be compared.
/// </summary>
/// <param name="Time">Logical time: the machine's clock ticks once per system call or memory access.</param>
/// <param name="Pid">The task the event is about.</param>
public abstract record KernelEvent(long Time, Pid Pid);

/// <summary>A system call and its result, as one strace line.</summary>
/// <param name="Time">Logical time.</param>
/// <param name="Pid">The calling thread.</param>
/// <param name="Name">The call as strace names it (clone, execve, wait4, exit_group...).</param>
/// <param name="Args">The arguments as strace prints them.</param>
/// <param name="Result">The return value as printed ("43", "-1 ECHILD (No child processes)", "?").</param>
/// <param name="Errno">The error, when the call failed.</param>
public sealed record SyscallEvent(long Time, Pid Pid, string Name, string Args, string Result, Errno? Errno = null)
    : KernelEvent(Time, Pid)
{
    /// <summary>"[pid 7] clone(SIGCHLD) = 8".</summary>
    public override string ToString() => $"{Time,5} [{Pid}] {Name}({Args}) = {Result}";
}

/// <summary>A new process or thread was created by fork/vfork/clone/posix_spawn.</summary>
/// <param name="Time">Logical time.</param>
/// <param name="Pid">The creating thread.</param>
/// <param name="Child">The new task's ID (its PID, or its TID for a thread).</param>
/// <param name="Parent">The new task's parent process (differs from the creator with CLONE_PARENT or CLONE_THREAD).</param>
/// <param name="Flags">The clone flags used.</param>
/// <param name="IsThread">True for CLONE_THREAD: a new thread in the same process.</param>
public sealed record ProcessCreated(long Time, Pid Pid, Pid Child, Pid Parent, CloneFlags Flags, bool IsThread)
    : KernelEvent(Time, Pid);

/// <summary>A process replaced its image with a program (a successful execve).</summary>
public sealed record ProcessExeced(long Time, Pid Pid, string Path, ValueList<string> Argv) : KernelEvent(Time, Pid);

/// <summary>A process died and became a zombie (or was reaped at once) with this status.</summary>
public sealed record ProcessExited(long Time, Pid Pid, WaitStatus Status) : KernelEvent(Time, Pid);

/// <summary>A zombie was reaped: its PID is free again.</summary>
/// <param name="Time">Logical time.</param>
/// <param name="Pid">The reaped process.</param>
/// <param name="By">Who reaped it (its parent via wait, init, or the kernel when SIGCHLD is ignored).</param>
/// <param name="Status">The status the reaper collected.</param>
public sealed record ProcessReaped(long Time, Pid Pid, Pid By, WaitStatus Status) : KernelEvent(Time, Pid);

/// <summary>An orphan got a new parent because its parent died.</summary>
/// <param name="Time">Logical time.</param>
/// <param name="Pid">The orphan.</param>
/// <param name="OldParent">The parent that died.</param>
/// <param name="NewParent">Init or the nearest child subreaper.</param>
public sealed record Reparented(long Time, Pid Pid, Pid OldParent, Pid NewParent) : KernelEvent(Time, Pid);

/// <summary>A page fault: its kind and the frames involved.</summary>
/// <param name="Time">Logical time.</param>
/// <param name="Pid">The faulting thread.</param>
/// <param name="Address">The faulting address.</param>
/// <param name="Kind">What the kernel did.</param>
/// <param name="Write">True for a write access.</param>
/// <param name="OldFrame">The frame mapped before (copy-on-write faults; the zero page before the first write to it).</param>
/// <param name="NewFrame">The frame mapped after (the zero page for a <see cref="FaultKind.ZeroPageRead"/>).</param>
public sealed record PageFault(long Time, Pid Pid, VirtualAddress Address, FaultKind Kind, bool Write, FrameNumber? OldFrame, FrameNumber? NewFrame)
    : KernelEvent(Time, Pid);

/// <summary>A frame left the free list.</summary>
public sealed record FrameAllocated(long Time, Pid Pid, FrameNumber Frame) : KernelEvent(Time, Pid);

/// <summary>A frame went back to the free list (its last mapping was removed).</summary>
public sealed record FrameFreed(long Time, Pid Pid, FrameNumber Frame) : KernelEvent(Time, Pid);

/// <summary>A thread changed state (runnable, running, blocked, exited), with the reason.</summary>
public sealed record ThreadStateChanged(long Time, Pid Pid, SimThreadState From, SimThreadState To, string Reason)
    : KernelEvent(Time, Pid);

/// <summary>The scheduler picked a thread to run.</summary>
public sealed record Scheduled(long Time, Pid Pid) : KernelEvent(Time, Pid);

/// <summary>A signal reached a process, and what it did there.</summary>
/// <param name="Time">Logical time.</param>
/// <param name="Pid">The receiving process.</param>
/// <param name="Signal">The signal.</param>
/// <param name="From">The sender (null when the kernel sent it, e.g. SIGSEGV or SIGCHLD).</param>
/// <param name="Action">"terminated", "ignored", "handler", "core dumped"...</param>
public sealed record SignalDelivered(long Time, Pid Pid, Signal Signal, Pid? From, string Action) : KernelEvent(Time, Pid);

/// <summary>Text a program wrote to its output (the program interpreter and the files layer record these).</summary>
public sealed record ProgramOutput(long Time, Pid Pid, string Text) : KernelEvent(Time, Pid);
