using CourseKit.Kernel;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class ProcessGroupTests
{
    [Fact]
    public void A_started_program_leads_its_own_group_and_children_inherit_it()
    {
        var (m, p) = WithProgram();
        Assert.Equal(p, m.Getpgid(p, 0).Value);
        var c = m.Fork(p).Value;
        Assert.Equal(p, m.Getpgid(c, 0).Value);
        Assert.Equal(Pid.Init, m.Getpgid(p, Pid.Init).Value);
    }

    [Fact]
    public void Kill_of_a_negative_pgid_signals_the_whole_group_and_nobody_else()
    {
        var (m, shell) = WithProgram();
        var a = m.Fork(shell).Value;
        m.Setpgid(shell, a, 0).ThrowIfNotOk();     // a leads a new job
        var b = m.Fork(shell).Value;
        m.Setpgid(shell, b, a).ThrowIfNotOk();     // b joins it (a pipeline)
        var other = m.Fork(shell).Value;           // stays in the shell's group
        m.Kill(shell, new Pid(-a.Value), Signal.SIGTERM).ThrowIfNotOk();
        Assert.Equal(ProcessState.Zombie, m.Process(a)!.State);
        Assert.Equal(ProcessState.Zombie, m.Process(b)!.State);
        Assert.Equal(ProcessState.Running, m.Process(other)!.State);
        Assert.Equal(ProcessState.Running, m.Process(shell)!.State);
    }

    [Fact]
    public void Waitpid_0_waits_only_for_children_in_the_callers_group()
    {
        var (m, shell) = WithProgram();
        var job = m.Fork(shell).Value;
        m.Setpgid(shell, job, 0).ThrowIfNotOk();
        m.Exit(job, 1);
        Assert.Equal(Errno.ECHILD, m.Wait(shell, Pid.Zero).Errno); // the only child is in another group
        var same = m.Fork(shell).Value;
        Assert.True(m.Wait(shell, Pid.Zero).IsBlocked);
        m.Exit(same, 2);
        Assert.Equal(same, m.Wait(shell, Pid.Zero).Value.Pid);
        Assert.Equal(job, m.Wait(shell, new Pid(-job.Value)).Value.Pid);
    }

    [Fact]
    public void Setpgid_errors_follow_the_man_page_and_change_nothing()
    {
        var (m, shell) = WithProgram();
        var c = m.Fork(shell).Value;
        var grandchild = m.Fork(c).Value;
        var before = m.Snapshot();
        Assert.Equal(Errno.ESRCH, m.Setpgid(shell, grandchild, 0).Errno);
        Assert.Equal(Errno.EPERM, m.Setpgid(shell, c, 999).Errno);
        Assert.Equal(Errno.EINVAL, m.Setpgid(shell, c, -3).Errno);
        AssertUnchanged(m, before);
        m.Exec(c, "/bin/sleep", ["sleep", "10"]).ThrowIfNotOk();
        Assert.Equal(Errno.EACCES, m.Setpgid(shell, c, 0).Errno);
    }

    [Fact]
    public void Kill_minus_1_signals_everything_the_caller_may_except_init_and_itself()
    {
        var (m, p) = WithProgram();
        var q = m.Start("/bin/sh");
        var c = m.Fork(p).Value;
        m.Kill(p, new Pid(-1), Signal.SIGKILL).ThrowIfNotOk();
        Assert.Null(m.Process(q));                    // reaped by init
        Assert.Equal(ProcessState.Zombie, m.Process(c)!.State);
        Assert.Equal(ProcessState.Running, m.Process(p)!.State);
        Assert.Equal(ProcessState.Running, m.Init.State);
    }

    [Fact]
    public void Kill_of_an_empty_group_fails_with_ESRCH()
    {
        var (m, p) = WithProgram();
        Assert.Equal(Errno.ESRCH, m.Kill(p, new Pid(-777), Signal.SIGTERM).Errno);
    }
}
