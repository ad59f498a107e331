namespace CourseKit.Kernel;

/// <summary>
/// The flags of clone(2), with Linux's values. Each flag says what the child shares with its parent instead
/// of copying; the low byte is the signal sent to the parent when the child dies (SIGCHLD for fork).
/// </summary>
/// <remarks>
/// fork() is <c>clone(SIGCHLD)</c>, vfork() is <c>clone(CLONE_VM | CLONE_VFORK | SIGCHLD)</c>, and
/// pthread_create is <c>clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | ...)</c>.
/// </remarks>
[Flags]
public enum CloneFlags : ulong
{
    /// <summary>Share nothing: a copy of everything (what fork does).</summary>
    None = 0,
    /// <summary>Mask of the low byte: the exit signal sent to the parent.</summary>
    ExitSignalMask = 0xff,
    /// <summary>SIGCHLD as exit signal (fork's low byte).</summary>
    SigChld = 17,
    /// <summary>CLONE_VM: share the address space; a write by one is seen by the other.</summary>
    Vm = 0x100,
    /// <summary>CLONE_FS: share root, cwd and umask.</summary>
    Fs = 0x200,
    /// <summary>CLONE_FILES: share the fd table itself (a new fd or a close in one is seen by the other).</summary>
    Files = 0x400,
    /// <summary>CLONE_SIGHAND: share the table of signal handlers (requires CLONE_VM).</summary>
    Sighand = 0x800,
    /// <summary>CLONE_PIDFD: return a pidfd (not simulated).</summary>
    PidFd = 0x1000,
    /// <summary>CLONE_PTRACE (not simulated).</summary>
    Ptrace = 0x2000,
    /// <summary>CLONE_VFORK: the parent sleeps until the child execs or exits.</summary>
    Vfork = 0x4000,
    /// <summary>CLONE_PARENT: the child gets the caller's parent as its parent (a sibling, not a child).</summary>
    Parent = 0x8000,
    /// <summary>CLONE_THREAD: same thread group (same PID), no SIGCHLD, cannot be waited for (requires CLONE_SIGHAND).</summary>
    Thread = 0x10000,
    /// <summary>CLONE_NEWNS: a new mount namespace (only checked for the EINVAL rule with CLONE_FS).</summary>
    NewNs = 0x20000,
    /// <summary>CLONE_SYSVSEM: share System V semaphore undo values (accepted, no effect here).</summary>
    SysVSem = 0x40000,
    /// <summary>CLONE_SETTLS: set the thread-local storage pointer (accepted, no effect here).</summary>
    SetTls = 0x80000,
    /// <summary>CLONE_PARENT_SETTID: store the child TID in the parent (accepted, no effect here).</summary>
    ParentSetTid = 0x100000,
    /// <summary>CLONE_CHILD_CLEARTID: clear the TID in child memory at exit (accepted, no effect here).</summary>
    ChildClearTid = 0x200000,
    /// <summary>CLONE_CHILD_SETTID: store the TID in child memory (accepted, no effect here).</summary>
    ChildSetTid = 0x1000000,
}

/// <summary>Helpers to read and print clone flags the way strace does.</summary>
public static class CloneFlagsText
{
    /// <summary>The flags glibc's pthread_create passes.</summary>
    public const CloneFlags PthreadCreate = CloneFlags.Vm | CloneFlags.Fs | CloneFlags.Files | CloneFlags.Sighand
        | CloneFlags.Thread | CloneFlags.SysVSem | CloneFlags.SetTls | CloneFlags.ParentSetTid | CloneFlags.ChildClearTid;

    /// <summary>The flags that change behaviour in the simulation or are harmless bookkeeping; others are refused.</summary>
    internal const CloneFlags Supported = CloneFlags.ExitSignalMask | CloneFlags.Vm | CloneFlags.Fs | CloneFlags.Files
        | CloneFlags.Sighand | CloneFlags.Vfork | CloneFlags.Parent | CloneFlags.Thread | CloneFlags.NewNs
        | CloneFlags.SysVSem | CloneFlags.SetTls | CloneFlags.ParentSetTid | CloneFlags.ChildClearTid | CloneFlags.ChildSetTid;

    /// <summary>The exit signal in the low byte (0 when none: the parent is not notified).</summary>
    public static int ExitSignal(this CloneFlags flags) => (int)(flags & CloneFlags.ExitSignalMask);

    /// <summary>"CLONE_VM|CLONE_VFORK|SIGCHLD", as strace prints the flags argument.</summary>
    public static string ToStraceString(this CloneFlags flags)
    {
        var parts = new List<string>();
        foreach (var (flag, name) in Names)
            if ((flags & flag) != 0) parts.Add(name);
        int sig = flags.ExitSignal();
        if (sig != 0) parts.Add(Enum.IsDefined((Signal)sig) ? ((Signal)sig).ToString() : sig.ToString());
        return parts.Count == 0 ? "0" : string.Join('|', parts);
    }

    private static readonly (CloneFlags Flag, string Name)[] Names =
    [
        (CloneFlags.Vm, "CLONE_VM"), (CloneFlags.Fs, "CLONE_FS"), (CloneFlags.Files, "CLONE_FILES"),
        (CloneFlags.Sighand, "CLONE_SIGHAND"), (CloneFlags.PidFd, "CLONE_PIDFD"), (CloneFlags.Ptrace, "CLONE_PTRACE"),
        (CloneFlags.Vfork, "CLONE_VFORK"), (CloneFlags.Parent, "CLONE_PARENT"), (CloneFlags.Thread, "CLONE_THREAD"),
        (CloneFlags.NewNs, "CLONE_NEWNS"), (CloneFlags.SysVSem, "CLONE_SYSVSEM"), (CloneFlags.SetTls, "CLONE_SETTLS"),
        (CloneFlags.ParentSetTid, "CLONE_PARENT_SETTID"), (CloneFlags.ChildClearTid, "CLONE_CHILD_CLEARTID"),
        (CloneFlags.ChildSetTid, "CLONE_CHILD_SETTID"),
    ];
}
