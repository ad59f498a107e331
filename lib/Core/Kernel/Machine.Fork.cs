using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Kernel;

public sealed partial class Machine
{
    /// <summary>
    /// fork(): a new process that is a copy of the calling thread's process (one thread: the caller's),
    /// with a new PID and the caller as parent. Returns the child's PID; the child's thread context gets 0.
    /// EAGAIN at the per-user process limit or when pid_max is exhausted; ENOMEM when eager copying
    /// (copy-on-write off) needs more frames than are free. glibc's fork is clone(SIGCHLD).
    /// </summary>
    public SysResult<Pid> Fork(Pid caller) => CloneProcess(caller, CloneFlags.SigChld, "fork", "");

    /// <summary>
    /// vfork(): clone(CLONE_VM | CLONE_VFORK | SIGCHLD). The child borrows the parent's address space
    /// (nothing is copied, so the cost does not grow with the process) and the parent thread sleeps
    /// until the child execs or exits. Returns the child's PID at once; the caller's thread is then
    /// <see cref="SimThreadState.Blocked"/> (on <see cref="WaitChannel.VforkDone"/>) until the child lets it go.
    /// </summary>
    public SysResult<Pid> Vfork(Pid caller) =>
        CloneProcess(caller, CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld, "vfork", "");

    /// <summary>
    /// clone(flags): a new process or thread sharing what the flags say (CLONE_VM the address space,
    /// CLONE_FS cwd/umask, CLONE_FILES the fd table, CLONE_SIGHAND the handlers, CLONE_THREAD the thread
    /// group: same PID, no SIGCHLD, not waitable; CLONE_PARENT: the caller's parent becomes the parent;
    /// CLONE_VFORK: the caller sleeps until the child execs or exits). The low byte is the exit signal.
    /// Returns the new PID (or TID for a thread). EINVAL for CLONE_SIGHAND without CLONE_VM, CLONE_THREAD
    /// without CLONE_SIGHAND, CLONE_FS with CLONE_NEWNS, CLONE_PARENT from init, and flags not simulated.
    /// </summary>
    public SysResult<Pid> Clone(Pid caller, CloneFlags flags) =>
        CloneProcess(caller, flags, "clone", $"flags={flags.ToStraceString()}");

    /// <summary>
    /// posix_spawn(path, argv): glibc does clone(CLONE_VM | CLONE_VFORK | SIGCHLD) and execve in the child.
    /// Returns the child's PID. When the exec fails the child exits with status 127 (a zombie for the
    /// caller to reap), as the course's reference shows; errors of the clone itself are returned.
    /// </summary>
    /// <remarks>glibc 2.24 and later also report the exec error number to the parent and reap the child;
    /// the simulation keeps the 127 status visible instead, which POSIX allows.</remarks>
    public SysResult<Pid> PosixSpawn(Pid caller, string path, IReadOnlyList<string> argv)
    {
        var clone = CloneProcess(caller, CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld, "clone", "flags=CLONE_VM|CLONE_VFORK|SIGCHLD");
        if (!clone.IsOk) return Relabel(clone, "posix_spawn", path);
        var child = clone.Value;
        if (!Exec(child, path, argv).IsOk) Exit(child, 127);
        return SysResult<Pid>.Ok("posix_spawn", FormatExecArgs(path, argv), child);
    }

    private static SysResult<Pid> Relabel(SysResult<Pid> r, string call, string path) =>
        r.IsFailed ? SysResult<Pid>.Fail(call, $"\"{path}\"", r.Errno, r.Message) : SysResult<Pid>.Block(call, $"\"{path}\"", r.Message);

    /// <summary>
    /// Convenience for lessons: init forks a child that becomes the student's user, leads its own process
    /// group and execs <paramref name="path"/> (the real fork, setuid, setpgid and execve events are recorded). Throws
    /// <see cref="SysCallException"/> when the program cannot be started.
    /// </summary>
    public Pid Start(string path, params string[] argv)
    {
        if (argv.Length == 0) argv = [path[(path.LastIndexOf('/') + 1)..]];
        var child = Fork(Pid.Init).Value;
        Tick();
        _processes[child.Value].Uid = Options.UserId;
        Record(new SyscallEvent(Clock, child, "setuid", Options.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"));
        Setpgid(child, Pid.Zero, Pid.Zero).ThrowIfNotOk(); // a login starts the program as its own job
        var exec = Exec(child, path, argv);
        if (!exec.IsOk)
        {
            Exit(child, 127);
            exec.ThrowIfNotOk();
        }
        return child;
    }

    /// <summary>The one fork/vfork/clone mechanism (Linux's kernel_clone/copy_process): check everything, then build the child.</summary>
    private SysResult<Pid> CloneProcess(Pid caller, CloneFlags flags, string call, string args)
    {
        if (Enter<Pid>(caller, call, args, out var thread) is { } early) return early;
        var parent = thread.Process;
        if (CheckCloneFlags(flags, parent) is { } invalid) return Failed<Pid>(call, args, caller, Errno.EINVAL, invalid);
        if (PeekFreePid() is null)
            return Failed<Pid>(call, args, caller, Errno.EAGAIN, $"every PID below pid_max = {Options.PidMax} is in use");
        if (parent.Uid != 0 && TasksOfUser(parent.Uid) >= Options.MaxProcessesPerUser)
            return Failed<Pid>(call, args, caller, Errno.EAGAIN, $"user {parent.Uid} already has {TasksOfUser(parent.Uid)} tasks: the per-user process limit (RLIMIT_NPROC) is {Options.MaxProcessesPerUser}");
        bool copiesMemory = (flags & CloneFlags.Vm) == 0;
        if (copiesMemory && !Options.CopyOnWrite && parent.AddressSpace!.PagesToCopyEagerly() is var pages && pages > Memory.FreeFrames)
            return Failed<Pid>(call, args, caller, Errno.ENOMEM, $"copy-on-write is off, so fork must copy {pages} resident pages now, but only {Memory.FreeFrames} frames are free");

        var child = (flags & CloneFlags.Thread) != 0 ? CreateThread(thread, flags) : CopyProcess(thread, flags);
        return Finish(caller, SysResult<Pid>.Ok(call, args, child));
    }

    /// <summary>The EINVAL rules of clone(2), as a reason, or null when the flags are valid.</summary>
    private static string? CheckCloneFlags(CloneFlags flags, Process caller)
    {
        var unsupported = flags & ~CloneFlagsText.Supported;
        if (unsupported != 0) return $"the flag(s) {unsupported.ToStraceString()} are not simulated";
        if ((flags & CloneFlags.Sighand) != 0 && (flags & CloneFlags.Vm) == 0)
            return "CLONE_SIGHAND needs CLONE_VM: processes that share signal handlers must share the memory the handlers live in";
        if ((flags & CloneFlags.Thread) != 0 && (flags & CloneFlags.Sighand) == 0)
            return "CLONE_THREAD needs CLONE_SIGHAND: threads of one process share its signal handlers";
        if ((flags & CloneFlags.Fs) != 0 && (flags & CloneFlags.NewNs) != 0)
            return "CLONE_FS cannot be combined with CLONE_NEWNS: a shared root and cwd cannot live in two mount namespaces";
        if ((flags & CloneFlags.Parent) != 0 && caller.Pid == Pid.Init)
            return "init cannot use CLONE_PARENT: its sibling would have no parent to reap it";
        if ((flags & CloneFlags.Thread) != 0 && (flags & CloneFlags.Vfork) != 0)
            return "CLONE_THREAD together with CLONE_VFORK is not simulated";
        if (flags.ExitSignal() > 64) return $"exit signal {flags.ExitSignal()} is not a signal number";
        return null;
    }

    /// <summary>CLONE_THREAD: a new thread in the caller's process; same PID (TGID), its own TID.</summary>
    private Pid CreateThread(SimThread creator, CloneFlags flags)
    {
        var process = creator.Process;
        var thread = AddThread(process, AllocatePid());
        thread.Context = creator.Context?.CloneForChild(0);
        Record(new ProcessCreated(Clock, creator.Tid, thread.Tid, process.PPid, flags, IsThread: true));
        return thread.Tid;
    }

    /// <summary>
    /// copy_process for a new process: new PID, one thread (a copy of the caller's), and for each resource
    /// either the very same object (shared by a flag) or a copy. Memory is copied by
    /// <see cref="AddressSpace.CopyForFork"/> (copy-on-write or eager).
    /// </summary>
    private Pid CopyProcess(SimThread creator, CloneFlags flags)
    {
        var parent = creator.Process;
        var child = new Process(AllocatePid(), parent.Uid)
        {
            Command = parent.Command, Argv = parent.Argv, Executable = parent.Executable, Pgid = parent.Pgid,
            Parent = (flags & CloneFlags.Parent) != 0 ? parent.Parent : parent,
            ExitSignal = flags.ExitSignal(),
        };
        child.AddressSpace = ShareOrCopyMemory(parent.AddressSpace!, flags);
        child.Signals = (flags & CloneFlags.Sighand) != 0 ? Shared(parent.Signals) : parent.Signals.Copy();
        child.Fs = (flags & CloneFlags.Fs) != 0 ? parent.Fs : parent.Fs.Copy();
        child.FileTable = ShareOrCopyFiles(parent.FileTable, flags);
        _processes.Add(child.Pid.Value, child);
        child.Parent!.ChildList.Add(child);
        var thread = AddThread(child, child.Pid);
        thread.Context = creator.Context?.CloneForChild(0);
        Record(new ProcessCreated(Clock, creator.Tid, child.Pid, child.PPid, flags, IsThread: false));
        if ((flags & CloneFlags.Vfork) != 0) BlockForVfork(creator, child);
        return child.Pid;
    }

    private AddressSpace ShareOrCopyMemory(AddressSpace space, CloneFlags flags)
    {
        if ((flags & CloneFlags.Vm) != 0)
        {
            space.Users++;
            return space;
        }
        var copy = space.CopyForFork(Options.CopyOnWrite, Options.OnDemandFork);
        copy.Id = _nextSpaceId++;
        return copy;
    }

    private static SignalTable Shared(SignalTable table)
    {
        table.Users++;
        return table;
    }

    private static IFileTable? ShareOrCopyFiles(IFileTable? files, CloneFlags flags)
    {
        if (files is null) return null;
        if ((flags & CloneFlags.Files) == 0) return files.CopyForFork();
        files.Share();
        return files;
    }

    private void BlockForVfork(SimThread parentThread, Process child)
    {
        child.VforkParent = parentThread;
        Block(parentThread, WaitChannel.VforkDone, $"vfork: waiting for {child.Pid} to exec or exit");
    }

    /// <summary>Lets a vfork parent run again: the child has exec'd or exited and no longer borrows its memory.</summary>
    private void ReleaseVforkParent(Process child, string why)
    {
        if (child.VforkParent is not { } parent) return;
        child.VforkParent = null;
        if (parent.Channel == WaitChannel.VforkDone) Wake(parent, $"vfork child {child.Pid} {why}");
    }
}
