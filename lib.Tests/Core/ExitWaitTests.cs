using CourseKit.Kernel;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class ExitWaitTests
{
    [Fact]
    public void An_exited_child_stays_a_zombie_with_its_status_until_reaped()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Exit(c, 42);
        var zombie = m.Process(c)!;
        Assert.Equal(ProcessState.Zombie, zombie.State);
        Assert.Equal(0x2a00, zombie.ExitStatus!.Value.Raw);
        Assert.Null(zombie.AddressSpace);
        Assert.Equal('Z', m.Snapshot()[c]!.StateLetter);
        var r = m.Wait(p);
        Assert.Equal(c, r.Value.Pid);
        Assert.Equal(42, r.Value.Status.ExitStatus);
        Assert.Null(m.Process(c));
        Assert.Equal(ProcessState.Reaped, zombie.State);
        Assert.Contains(m.Events.OfType<ProcessReaped>(), e => e.Pid == c && e.By == p);
    }

    [Fact]
    public void Wait_without_children_fails_with_ECHILD_and_changes_nothing()
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        var r = m.Wait(p);
        Assert.Equal(Errno.ECHILD, r.Errno);
        Assert.StartsWith("wait4(-1, 0) = -1 ECHILD (No child processes)", r.ToString());
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Wait_for_a_pid_that_is_not_a_child_fails_with_ECHILD()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        var g = m.Fork(c).Value;
        var r = m.Wait(p, g);
        Assert.Equal(Errno.ECHILD, r.Errno);
        Assert.Contains("not a child", r.Message);
    }

    [Fact]
    public void Wait_with_a_running_child_blocks_and_the_childs_exit_wakes_the_parent()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        var r = m.Wait(p);
        Assert.True(r.IsBlocked);
        Assert.Equal(SimThreadState.Blocked, m.Thread(p)!.State);
        Assert.Equal(ProcessState.Sleeping, m.Process(p)!.State);
        Assert.True(m.Fork(p).IsBlocked); // a sleeping thread makes no other calls
        m.Exit(c, 3);
        Assert.Equal(SimThreadState.Runnable, m.Thread(p)!.State);
        var again = m.Wait(p);
        Assert.Equal(new WaitResult(c, WaitStatus.Exited(3)), again.Value);
    }

    [Fact]
    public void WNOHANG_returns_0_when_children_exist_but_none_has_exited()
    {
        var (m, p) = WithProgram();
        m.Fork(p).ThrowIfNotOk();
        var r = m.Wait(p, null, WaitOptions.NoHang);
        Assert.True(r.IsOk);
        Assert.Equal(Pid.Zero, r.Value.Pid);
        Assert.Equal(SimThreadState.Runnable, m.Thread(p)!.State);
    }

    [Fact]
    public void Wait_for_a_specific_pid_reaps_only_that_child()
    {
        var (m, p) = WithProgram();
        var a = m.Fork(p).Value;
        var b = m.Fork(p).Value;
        m.Exit(a, 1);
        m.Exit(b, 2);
        Assert.Equal(b, m.Wait(p, b).Value.Pid);
        Assert.Equal(ProcessState.Zombie, m.Process(a)!.State);
    }

    [Fact]
    public void Wait_any_reaps_the_oldest_zombie_child_first()
    {
        var (m, p) = WithProgram();
        var a = m.Fork(p).Value;
        var b = m.Fork(p).Value;
        m.Exit(b, 2);
        m.Exit(a, 1);
        Assert.Equal(a, m.Wait(p).Value.Pid);
        Assert.Equal(b, m.Wait(p).Value.Pid);
    }

    [Fact]
    public void Only_direct_children_of_a_dying_process_are_reparented_to_init()
    {
        var (m, p) = WithProgram();
        var child = m.Fork(p).Value;
        var grandchild = m.Fork(child).Value;
        m.Exit(p, 0);
        Assert.Equal(Pid.Init, m.Process(child)!.PPid);
        Assert.Equal(child, m.Process(grandchild)!.PPid); // keeps its living parent
        var moved = Assert.Single(m.Events.OfType<Reparented>());
        Assert.Equal((child, p, Pid.Init), (moved.Pid, moved.OldParent, moved.NewParent));
    }

    [Fact]
    public void Orphans_go_to_the_nearest_living_subreaper_instead_of_init()
    {
        var (m, p) = WithProgram();
        m.SetChildSubreaper(p, true).ThrowIfNotOk();
        var a = m.Fork(p).Value;
        var b = m.Fork(a).Value;
        var c = m.Fork(b).Value;
        m.Exit(b, 0);
        Assert.Equal(p, m.Process(c)!.PPid);
        Assert.Contains(c, m.Process(p)!.Children.Select(x => x.Pid));
    }

    [Fact]
    public void Init_reaps_orphaned_zombies()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Exit(c, 5);
        m.Exit(p, 0); // the zombie child goes to init, which reaps it; init also reaps p
        Assert.Null(m.Process(c));
        Assert.Null(m.Process(p));
        Assert.Contains(m.Events.OfType<ProcessReaped>(), e => e.Pid == c && e.By == Pid.Init);
    }

    [Fact]
    public void Init_can_be_configured_to_leave_zombies_visible()
    {
        var m = Boot(initReaps: false);
        var p = m.Start("/bin/sh");
        m.Exit(p, 0);
        Assert.Equal(ProcessState.Zombie, m.Process(p)!.State);
    }

    [Fact]
    public void Exit_frees_every_frame_the_process_alone_used()
    {
        var (m, p) = WithProgram();
        int baseline = m.Memory.UsedFrames;
        var c = m.Fork(p).Value;
        MapAndWrite(m, c, 10);
        Assert.True(m.Memory.UsedFrames >= baseline + 10);
        m.Exit(c, 0);
        Assert.Equal(baseline, m.Memory.UsedFrames);
    }

    [Fact]
    public void Init_cannot_exit()
    {
        var m = Machine.Boot();
        var before = m.Snapshot();
        var r = m.Exit(Pid.Init, 0);
        Assert.Equal(Errno.EPERM, r.Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void A_zombie_makes_no_calls()
    {
        var (m, p) = WithProgram(initReaps: false);
        var c = m.Fork(p).Value;
        m.Exit(c, 0);
        var r = m.Fork(c);
        Assert.Equal(Errno.ESRCH, r.Errno);
        Assert.Contains("zombie", r.Message);
    }
}
