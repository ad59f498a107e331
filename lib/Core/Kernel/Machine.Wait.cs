namespace CourseKit.Kernel;

public sealed partial class Machine
{
    /// <summary>
    /// wait4/waitpid(pid, options): reaps a zombie child and returns its PID and status. <paramref name="pid"/>
    /// null or -1 means any child, a positive PID that child, 0 a child in the caller's process group, -pgid a
    /// child in that group. With children but no zombie: Blocked (the
    /// thread sleeps; call again when it is woken), or with WNOHANG Ok with PID 0. ECHILD when there is no
    /// such child (threads are never children; clone children with another exit signal need __WALL or
    /// __WCLONE). Children of every thread of the process can be waited for.
    /// </summary>
    public SysResult<WaitResult> Wait(Pid caller, Pid? pid = null, WaitOptions options = WaitOptions.None)
    {
        int target = pid?.Value ?? -1;
        string args = $"{target}, {FormatWaitOptions(options)}";
        if (Enter<WaitResult>(caller, "wait4", args, out var thread, WaitChannel.ChildExit) is { } early) return early;
        if ((options & ~(WaitOptions.NoHang | WaitOptions.All | WaitOptions.Clone)) != 0)
            return Failed<WaitResult>("wait4", args, caller, Errno.EINVAL, $"unknown option bits 0x{(int)options:x}");
        var process = thread.Process;
        var eligible = process.ChildList.Where(c => Selects(target, process, c) && WaitsFor(c, options)).ToList();
        if (eligible.Count == 0)
            return Failed<WaitResult>("wait4", args, caller, Errno.ECHILD, NoChildReason(process, target));
        if (eligible.FirstOrDefault(c => c.ExitStatus is not null) is { } zombie)
        {
            var status = zombie.ExitStatus!.Value;
            Reap(zombie, process.Pid, "waited for");
            if (thread.State == SimThreadState.Blocked) Wake(thread, "wait4 returned");
            return Finish(caller, SysResult<WaitResult>.Ok("wait4", $"{target}, {status.ToStraceString()}, {FormatWaitOptions(options)}",
                new WaitResult(zombie.Pid, status)));
        }
        if ((options & WaitOptions.NoHang) != 0)
            return Finish(caller, SysResult<WaitResult>.Ok("wait4", args, new WaitResult(Pid.Zero, default)));
        string what = target == -1 ? $"a child of {process.Pid} to exit" : $"child {target} of {process.Pid} to exit";
        Block(thread, WaitChannel.ChildExit, $"wait4: waiting for {what}");
        return Finish(caller, SysResult<WaitResult>.Block("wait4", args, $"{thread} sleeps in wait4 until {what}"));
    }

    /// <summary>waitpid's pid argument: -1 any child, &gt; 0 that child, 0 a child in the caller's group, &lt; -1 a child in group -pid.</summary>
    private static bool Selects(int target, Process waiter, Process child) => target switch
    {
        -1 => true,
        > 0 => child.Pid.Value == target,
        0 => child.Pgid == waiter.Pgid,
        _ => child.Pgid.Value == -target,
    };

    /// <summary>Linux's eligible_child: __WALL takes every child; otherwise __WCLONE selects exactly the children whose exit signal is not SIGCHLD.</summary>
    private static bool WaitsFor(Process child, WaitOptions options) =>
        (options & WaitOptions.All) != 0
        || ((child.ExitSignal != (int)Signal.SIGCHLD) == ((options & WaitOptions.Clone) != 0));

    private string NoChildReason(Process process, int target)
    {
        if (target == -1)
            return process.ChildList.Count == 0 ? $"{process.Pid} has no children" : $"{process.Pid} has only clone children (use __WALL)";
        if (target == 0) return $"{process.Pid} has no child in its process group {process.Pgid.Value}";
        if (target < -1) return $"{process.Pid} has no child in process group {-target}";
        if (Process(new Pid(target)) is { } other && other.Parent != process)
            return $"{other.Pid} is not a child of {process.Pid} (its parent is {other.PPid})";
        return $"{process.Pid} has no child {target}";
    }

    private static string FormatWaitOptions(WaitOptions options)
    {
        if (options == WaitOptions.None) return "0";
        var parts = new List<string>();
        if ((options & WaitOptions.NoHang) != 0) parts.Add("WNOHANG");
        if ((options & WaitOptions.All) != 0) parts.Add("__WALL");
        if ((options & WaitOptions.Clone) != 0) parts.Add("__WCLONE");
        return string.Join('|', parts);
    }
}
