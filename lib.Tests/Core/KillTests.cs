using CourseKit.Kernel;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class KillTests
{
    [Theory]
    [InlineData(Signal.SIGKILL, 9)]
    [InlineData(Signal.SIGTERM, 15)]
    [InlineData(Signal.SIGSEGV, 11)]
    public void A_killed_child_reports_the_signal_in_its_status(Signal signal, int raw)
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Kill(p, c, signal).ThrowIfNotOk();
        var r = m.Wait(p).Value;
        Assert.Equal(raw, r.Status.Raw);
        Assert.True(r.Status.IfSignaled);
        Assert.Equal(signal, r.Status.TermSignal);
    }

    [Fact]
    public void An_ignored_SIGTERM_does_nothing_but_SIGKILL_cannot_be_ignored()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Sigaction(c, Signal.SIGTERM, SignalDisposition.Ignore).ThrowIfNotOk();
        m.Kill(p, c, Signal.SIGTERM).ThrowIfNotOk();
        Assert.Equal(ProcessState.Running, m.Process(c)!.State);
        Assert.Equal(Errno.EINVAL, m.Sigaction(c, Signal.SIGKILL, SignalDisposition.Ignore).Errno);
        m.Kill(p, c, Signal.SIGKILL).ThrowIfNotOk();
        Assert.Equal(ProcessState.Zombie, m.Process(c)!.State);
    }

    [Fact]
    public void A_caught_signal_goes_to_the_handler_and_the_process_lives()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Sigaction(c, Signal.SIGTERM, SignalDisposition.Handler).ThrowIfNotOk();
        m.Kill(p, c, Signal.SIGTERM).ThrowIfNotOk();
        Assert.Equal(ProcessState.Running, m.Process(c)!.State);
        Assert.Contains(m.Events.OfType<SignalDelivered>(), e => e.Pid == c && e.Action.Contains("handler"));
    }

    [Fact]
    public void Kill_of_a_missing_process_fails_with_ESRCH()
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        var r = m.Kill(p, 999, Signal.SIGTERM);
        Assert.Equal(Errno.ESRCH, r.Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void A_user_may_not_signal_init_EPERM()
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        Assert.Equal(Errno.EPERM, m.Kill(p, Pid.Init, Signal.SIGKILL).Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Init_survives_even_SIGKILL_from_root()
    {
        var m = Machine.Boot();
        var rootChild = m.Fork(Pid.Init).Value; // still root: Start would switch to the student's user
        m.Kill(rootChild, Pid.Init, Signal.SIGKILL).ThrowIfNotOk();
        Assert.Equal(ProcessState.Running, m.Init.State);
    }

    [Fact]
    public void Signal_0_only_checks_that_the_target_exists()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        var before = m.Snapshot();
        Assert.True(m.Kill(p, c, 0).IsOk);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void A_process_that_kills_itself_sees_the_call_end_in_its_death()
    {
        var (m, p) = WithProgram(initReaps: false);
        var r = m.Kill(p, p, Signal.SIGKILL);
        Assert.True(r.IsKilled);
        Assert.Equal(WaitStatus.Killed(Signal.SIGKILL), m.Process(p)!.ExitStatus);
    }

    [Fact]
    public void When_SIGCHLD_is_ignored_children_leave_no_zombie_and_wait_gives_ECHILD()
    {
        var (m, p) = WithProgram();
        m.Sigaction(p, Signal.SIGCHLD, SignalDisposition.Ignore).ThrowIfNotOk();
        var c = m.Fork(p).Value;
        m.Exit(c, 0);
        Assert.Null(m.Process(c));
        Assert.Equal(Errno.ECHILD, m.Wait(p).Errno);
    }

    [Fact]
    public void A_parent_waiting_while_its_child_is_killed_is_woken_and_reaps_it()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        Assert.True(m.Wait(p).IsBlocked);
        var sibling = m.Fork(Pid.Init).Value; // root can signal anyone
        m.Kill(sibling, c, Signal.SIGTERM).ThrowIfNotOk();
        Assert.Equal(Signal.SIGTERM, m.Wait(p).Value.Status.TermSignal);
    }
}

public class TrapTests
{
    [Fact]
    public void A_trap_kills_with_the_signal_sent_by_the_kernel()
    {
        var (m, p) = WithProgram(initReaps: false);
        var r = m.Trap(p, Signal.SIGFPE, "division by zero");
        Assert.True(r.IsKilled);
        Assert.Equal(WaitStatus.Killed(Signal.SIGFPE), m.Process(p)!.ExitStatus);
        var delivered = m.Events.OfType<SignalDelivered>().Last();
        Assert.Null(delivered.From);
        Assert.DoesNotContain(m.Events.OfType<SyscallEvent>(), e => e.Name == "kill");
    }
}
