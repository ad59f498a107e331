using CourseKit.Tracing;

namespace CourseKit.Kernel;

public sealed partial class Machine
{
    /// <summary>
    /// exit(code) / _exit / exit_group: the whole process dies with status <c>code &lt;&lt; 8</c>. Its memory is
    /// released, its children are reparented, and it stays a zombie until its parent reaps it. init may
    /// not exit (the real kernel panics): EPERM.
    /// </summary>
    public SysResult Exit(Pid caller, int code)
    {
        string args = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Enter<long>(caller, "exit_group", args, out var thread) is { } early) return early.WithoutValue();
        if (thread.Process.Pid == Pid.Init)
            return Failed<long>("exit_group", args, caller, Errno.EPERM, "init cannot exit: the real kernel would panic (\"Attempted to kill init!\")").WithoutValue();
        var result = Finish(caller, SysResult<long>.Ok("exit_group", args, 0, "?"));
        DoExit(thread.Process, WaitStatus.Exited(code), "exit_group");
        return result.WithoutValue();
    }

    /// <summary>
    /// exit(code) of one thread (what pthread_exit ends in): the thread ends; the process ends only when
    /// its last thread does, with this code.
    /// </summary>
    public SysResult ExitThread(Pid caller, int code)
    {
        string args = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Enter<long>(caller, "exit", args, out var thread) is { } early) return early.WithoutValue();
        var process = thread.Process;
        bool last = process.ThreadList.Count(t => t.State != SimThreadState.Exited) == 1;
        if (last && process.Pid == Pid.Init)
            return Failed<long>("exit", args, caller, Errno.EPERM, "init's last thread cannot exit: the real kernel would panic").WithoutValue();
        var result = Finish(caller, SysResult<long>.Ok("exit", args, 0, "?"));
        if (last) DoExit(process, WaitStatus.Exited(code), "exit of the last thread");
        else RemoveThread(thread, "exit");
        return result.WithoutValue();
    }

    /// <summary>
    /// kill(target, sig): sends a signal. A positive target is one process; 0 every process in the caller's
    /// process group; -1 every process the caller may signal except init and itself; -pgid every process in
    /// that group. SIGKILL always kills; other signals follow the receiver's disposition (default: most
    /// terminate, SIGCHLD is ignored). Signal 0 only checks. ESRCH when no process matches, EPERM when the
    /// caller may signal none of them (another user's processes), EINVAL for a bad signal.
    /// </summary>
    public SysResult Kill(Pid caller, Pid target, Signal signal)
    {
        string args = $"{target.Value}, {(signal == 0 ? "0" : signal.ToString())}";
        if (Enter<long>(caller, "kill", args, out var thread) is { } early) return early.WithoutValue();
        if (signal != 0 && !signal.IsValid())
            return Failed<long>("kill", args, caller, Errno.EINVAL, $"{(int)signal} is not a signal number").WithoutValue();
        var sender = thread.Process;
        var victims = KillTargets(sender, target);
        if (victims.Count == 0)
            return Failed<long>("kill", args, caller, Errno.ESRCH, target.Value switch
            {
                > 0 => $"there is no process {target.Value}",
                0 or -1 => "there is no process to signal",
                _ => $"there is no process in process group {-target.Value}",
            }).WithoutValue();
        var allowed = victims.Where(v => sender.Uid == 0 || sender.Uid == v.Uid).ToList();
        if (allowed.Count == 0)
            return Failed<long>("kill", args, caller, Errno.EPERM, $"{victims[0]} belongs to user {victims[0].Uid} and the caller is user {sender.Uid}").WithoutValue();
        var result = Finish(caller, SysResult<long>.Ok("kill", args, 0));
        if (signal == 0) return result.WithoutValue();
        foreach (var victim in allowed) DeliverSignal(victim, signal, sender.Pid);
        if (sender.ExitStatus is not null)
            return SysResult<long>.Kill("kill", args, signal, $"{sender.Pid} killed itself with {signal}").WithoutValue();
        return result.WithoutValue();
    }

    /// <summary>The processes a kill target names (zombies included: signalling them is allowed and does nothing).</summary>
    private List<Process> KillTargets(Process sender, Pid target) => target.Value switch
    {
        > 0 => (Process(target) ?? Thread(target)?.Process) is { } one ? [one] : [],
        0 => _processes.Values.Where(p => p.Pgid == sender.Pgid).ToList(),
        -1 => _processes.Values.Where(p => p.Pid != Pid.Init && p != sender).ToList(),
        _ => _processes.Values.Where(p => p.Pgid.Value == -target.Value).ToList(),
    };

    /// <summary>
    /// setpgid(pid, pgid): moves the caller (pid 0) or one of its children into process group
    /// <paramref name="pgid"/> (0: a new group led by that process). Shells use it to make each job a group.
    /// ESRCH when pid is neither the caller nor its child, EACCES when the child has already exec'd, EPERM when
    /// the group does not exist, EINVAL for a negative pgid.
    /// </summary>
    public SysResult Setpgid(Pid caller, Pid pid, Pid pgid)
    {
        string args = $"{pid.Value}, {pgid.Value}";
        if (Enter<long>(caller, "setpgid", args, out var thread) is { } early) return early.WithoutValue();
        var self = thread.Process;
        if (pgid.Value < 0) return Failed<long>("setpgid", args, caller, Errno.EINVAL, $"the group {pgid.Value} is negative").WithoutValue();
        var target = pid.Value == 0 ? self : Process(pid);
        if (target is null || (target != self && target.Parent != self) || target.ExitStatus is not null)
            return Failed<long>("setpgid", args, caller, Errno.ESRCH, $"{pid.Value} is neither the caller nor a living child of it").WithoutValue();
        if (target != self && target.HasExeced)
            return Failed<long>("setpgid", args, caller, Errno.EACCES, $"{target.Pid} has already called execve").WithoutValue();
        var group = pgid.Value == 0 ? target.Pid : pgid;
        if (group != target.Pid && !_processes.Values.Any(p => p.Pgid == group && p.ExitStatus is null))
            return Failed<long>("setpgid", args, caller, Errno.EPERM, $"there is no process group {group.Value} to join").WithoutValue();
        target.Pgid = group;
        return Finish(caller, SysResult<long>.Ok("setpgid", args, 0)).WithoutValue();
    }

    /// <summary>getpgid(pid): the process group of a process (pid 0: the caller). ESRCH when there is none.</summary>
    public SysResult<Pid> Getpgid(Pid caller, Pid pid)
    {
        string args = pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Enter<Pid>(caller, "getpgid", args, out var thread) is { } early) return early;
        var target = pid.Value == 0 ? thread.Process : Process(pid);
        if (target is null) return Failed<Pid>("getpgid", args, caller, Errno.ESRCH, $"there is no process {pid.Value}");
        return Finish(caller, SysResult<Pid>.Ok("getpgid", args, target.Pgid));
    }

    /// <summary>
    /// A CPU trap in thread <paramref name="tid"/> (division by zero: SIGFPE, illegal instruction: SIGILL...):
    /// the kernel, not another process, sends <paramref name="signal"/> to the thread's process, which
    /// follows its disposition. Returns Killed when the process died of it. For the program interpreter.
    /// </summary>
    public SysResult Trap(Pid tid, Signal signal, string reason)
    {
        string args = $"{signal}, {reason}";
        if (Enter<long>(tid, "trap", args, out var thread) is { } early) return early.WithoutValue();
        if (!signal.IsValid()) throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a signal number");
        var process = thread.Process;
        DeliverSignal(process, signal, from: null);
        return process.ExitStatus is not null
            ? SysResult<long>.Kill("trap", args, signal, $"{reason}: {process.Pid} was killed by {signal}").WithoutValue()
            : SysResult<long>.Ok("trap", args, 0).WithoutValue();
    }

    /// <summary>Applies a signal to a process: terminate it, ignore it, or hand it to the program's handler.</summary>
    internal void DeliverSignal(Process victim, Signal signal, Pid? from)
    {
        if (victim.ExitStatus is not null)
        {
            Record(new SignalDelivered(Clock, victim.Pid, signal, from, "ignored (already a zombie)"));
            return;
        }
        var disposition = signal.CanBeCaught() ? victim.Signals[signal] : SignalDisposition.Default;
        if (victim.Pid == Pid.Init && disposition != SignalDisposition.Handler)
        {
            Record(new SignalDelivered(Clock, victim.Pid, signal, from, "ignored (init only receives signals it has a handler for)"));
            return;
        }
        if (disposition == SignalDisposition.Handler)
        {
            Record(new SignalDelivered(Clock, victim.Pid, signal, from, "caught by the program's handler"));
            return;
        }
        if (disposition == SignalDisposition.Ignore || !signal.DefaultTerminates())
        {
            Record(new SignalDelivered(Clock, victim.Pid, signal, from, "ignored"));
            return;
        }
        bool core = Options.CoreDumps && signal.DefaultDumpsCore();
        Record(new SignalDelivered(Clock, victim.Pid, signal, from, core ? "terminated (core dumped)" : "terminated"));
        DoExit(victim, WaitStatus.Killed(signal, core), $"killed by {signal}");
    }

    /// <summary>
    /// do_exit for a whole process: threads end, the vfork parent (if any) is let go, memory and files are
    /// released, children are reparented, and the process becomes a zombie that notifies its parent.
    /// </summary>
    private void DoExit(Process process, WaitStatus status, string reason)
    {
        foreach (var thread in process.ThreadList.ToList()) RemoveThread(thread, reason);
        ReleaseVforkParent(process, "exited");
        DropAddressSpace(process.AddressSpace!);
        process.AddressSpace = null;
        process.FileTable?.Release();
        process.FileTable = null;
        if (process.Signals.Users > 1) process.Signals.Users--;
        ForgetOriginalParent(process);
        process.ExitStatus = status;
        Record(new ProcessExited(Clock, process.Pid, status));
        NotifyParent(process);
    }

    /// <summary>
    /// Reparents the dying process's DIRECT children (grandchildren keep their living parents): to the
    /// nearest living ancestor marked child subreaper, else to init. Zombies among them are then reaped by
    /// their new parent's rules.
    /// </summary>
    private void ForgetOriginalParent(Process dying)
    {
        if (dying.ChildList.Count == 0) return;
        var reaper = FindNewReaper(dying);
        foreach (var child in dying.ChildList.ToList())
        {
            dying.ChildList.Remove(child);
            Reparent(child, dying, reaper);
        }
    }

    private Process FindNewReaper(Process dying)
    {
        for (var ancestor = dying.Parent; ancestor is not null && ancestor.Pid != Pid.Init; ancestor = ancestor.Parent)
        {
            if (ancestor.IsChildSubreaper && ancestor.ExitStatus is null) return ancestor;
        }
        return Init;
    }

    private void Reparent(Process child, Process oldParent, Process newParent)
    {
        child.Parent = newParent;
        child.ReparentedFrom = oldParent.Pid;
        newParent.ChildList.Add(child);
        Record(new Reparented(Clock, child.Pid, oldParent.Pid, newParent.Pid));
        if (child.ExitStatus is not null) NotifyParent(child);
    }

    /// <summary>
    /// A child died (or a zombie got a new parent): reap it at once when the parent ignores SIGCHLD or is
    /// an init that reaps; otherwise leave the zombie and wake the parent's threads sleeping in wait.
    /// </summary>
    private void NotifyParent(Process child)
    {
        var parent = child.Parent!;
        if (child.ExitSignal != 0)
            Record(new SignalDelivered(Clock, parent.Pid, (Signal)child.ExitSignal, null,
                parent.Signals[Signal.SIGCHLD] == SignalDisposition.Handler ? "caught by the program's handler" : "ignored"));
        if (parent.Signals[Signal.SIGCHLD] == SignalDisposition.Ignore && child.ExitSignal == (int)Signal.SIGCHLD)
            Reap(child, parent.Pid, "the parent ignores SIGCHLD, so no zombie is kept");
        else if (parent.Pid == Pid.Init && Options.InitReapsZombies)
            Reap(child, Pid.Init, "init reaps its children");
        foreach (var waiter in parent.ThreadList.Where(t => t.Channel == WaitChannel.ChildExit).ToList())
            Wake(waiter, $"child {child.Pid} exited");
    }

    /// <summary>Removes a zombie from the process table: its PID is free again (release_task).</summary>
    private void Reap(Process zombie, Pid by, string reason)
    {
        if (zombie.ExitStatus is not { } status) throw new KernelBugException($"reaping {zombie}, which is not a zombie");
        zombie.Parent!.ChildList.Remove(zombie);
        _processes.Remove(zombie.Pid.Value);
        _idsInUse.Remove(zombie.Pid.Value);
        zombie.Reaped = true;
        Record(new ProcessReaped(Clock, zombie.Pid, by, status));
        _ = reason;
    }

    /// <summary>
    /// prctl(PR_SET_CHILD_SUBREAPER, on): orphaned descendants of the caller are reparented to it instead
    /// of init (what service managers and container runtimes use).
    /// </summary>
    public SysResult SetChildSubreaper(Pid caller, bool on)
    {
        string args = $"PR_SET_CHILD_SUBREAPER, {(on ? 1 : 0)}";
        if (Enter<long>(caller, "prctl", args, out var thread) is { } early) return early.WithoutValue();
        thread.Process.IsChildSubreaper = on;
        return Finish(caller, SysResult<long>.Ok("prctl", args, 0)).WithoutValue();
    }

    /// <summary>
    /// sigaction(signal, disposition): sets what the process does with a signal (default, ignore, or a
    /// handler). EINVAL for SIGKILL and SIGSTOP, which cannot be caught or ignored.
    /// </summary>
    public SysResult Sigaction(Pid caller, Signal signal, SignalDisposition disposition)
    {
        string args = $"{signal}, {disposition switch { SignalDisposition.Default => "SIG_DFL", SignalDisposition.Ignore => "SIG_IGN", _ => "handler" }}";
        if (Enter<long>(caller, "rt_sigaction", args, out var thread) is { } early) return early.WithoutValue();
        if (!signal.IsValid()) return Failed<long>("rt_sigaction", args, caller, Errno.EINVAL, $"{(int)signal} is not a signal number").WithoutValue();
        if (!signal.CanBeCaught()) return Failed<long>("rt_sigaction", args, caller, Errno.EINVAL, $"{signal} cannot be caught or ignored").WithoutValue();
        thread.Process.Signals.Set(signal, disposition);
        return Finish(caller, SysResult<long>.Ok("rt_sigaction", args, 0)).WithoutValue();
    }

    /// <summary>umask(mask): sets the file-creation mask and returns the old one (shared under CLONE_FS).</summary>
    public SysResult<int> Umask(Pid caller, int mask)
    {
        string args = Convert.ToString(mask & 0x1ff, 8).PadLeft(3, '0');
        if (Enter<int>(caller, "umask", args, out var thread) is { } early) return early;
        int old = thread.Process.Fs.Umask;
        thread.Process.Fs.Umask = mask & 0x1ff;
        return Finish(caller, SysResult<int>.Ok("umask", args, old, Convert.ToString(old, 8).PadLeft(3, '0')));
    }
}
