using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>The few kernel questions the interpreter and scheduler ask, in one place.</summary>
internal static class MachineAccess
{
    public static SimThread ThreadOf(this Machine machine, Pid tid) =>
        machine.Thread(tid) ?? throw new InvalidOperationException($"bug: {tid} is not a live thread");

    /// <summary>getpid(): the thread group's ID, the same in every thread of the process.</summary>
    public static Pid ThreadGroupOf(this Machine machine, Pid tid) => machine.ThreadOf(tid).Process.Pid;

    /// <summary>getppid(): after the parent died, init or the subreaper that adopted the process.</summary>
    public static Pid ParentOf(this Machine machine, Pid tid) => machine.ThreadOf(tid).Process.PPid;

    public static bool IsAlive(this Machine machine, Pid tid) => machine.Thread(tid) is not null;

    public static bool IsBlocked(this Machine machine, Pid tid) => machine.Thread(tid) is { State: SimThreadState.Blocked };

    /// <summary>A CPU trap (division by zero): the kernel itself sends the signal to the process that trapped (no kill() in the trace).</summary>
    public static void KillByFault(this Machine machine, Pid tid, Signal signal, string reason) =>
        machine.Trap(tid, signal, reason);

    /// <summary>sleep(n): the thread sleeps on a channel outside the core until the scheduler's clock reaches the time.</summary>
    public static void Sleep(this Machine machine, Pid tid, long until) =>
        machine.Block(machine.ThreadOf(tid), WaitChannel.Other, $"sleep: until t={until}");

    /// <summary>pause(): the thread sleeps until a signal arrives (only a deadly one does anything here).</summary>
    public static void Pause(this Machine machine, Pid tid) =>
        machine.Block(machine.ThreadOf(tid), WaitChannel.Other, "pause: waiting for a signal");

    public static void WakeFromSleep(this Machine machine, Pid tid, long now) =>
        machine.Wake(machine.ThreadOf(tid), $"sleep over at t={now}");

    /// <summary>Idle CPU: logical time passes until <paramref name="time"/> (only sleepers are left).</summary>
    public static void AdvanceClockTo(this Machine machine, long time)
    {
        while (machine.Clock < time) machine.Tick();
    }

    /// <summary>A summary of the process table (pid, parent, state, status, subreaper) for the enumerator's state key.</summary>
    public static string ProcessTableKey(this Machine machine) =>
        string.Join(";", machine.Processes.Select(p =>
            $"{p.Pid.Value}<{p.PPid.Value}:{p.State}:{p.ExitStatus?.Raw}:{(p.IsChildSubreaper ? "R" : "")}:{p.Executable}"));
}
