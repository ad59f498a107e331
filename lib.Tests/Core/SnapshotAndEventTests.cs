using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class SnapshotAndEventTests
{
    [Fact]
    public void A_snapshot_does_not_change_when_the_machine_does()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 2);
        var before = m.Snapshot();
        var copy = before with { };
        m.Fork(p).ThrowIfNotOk();
        m.WriteWord(p, a, 9).ThrowIfNotOk();
        Assert.Equal(copy, before);
        Assert.False(before.SameStateAs(m.Snapshot()));
        Assert.Equal(2, before.Processes.Count);
        Assert.All(before[p]!.Memory!.Pages, page => Assert.Equal(1, page.MapCount));
    }

    [Fact]
    public void Snapshots_of_the_same_state_are_equal()
    {
        var (m, p) = WithProgram();
        Assert.True(m.Snapshot().SameStateAs(m.Snapshot()));
        Assert.Equal(m.Process(p)!.Snapshot(), m.Process(p)!.Snapshot());
    }

    [Fact]
    public void The_process_tree_shows_zombies_and_nesting()
    {
        var (m, p) = WithProgram(initReaps: false);
        var c = m.Fork(p).Value;
        var g = m.Fork(c).Value;
        m.Exit(g, 0);
        var tree = m.Snapshot().Tree;
        Assert.Equal([c], tree.ChildrenOf(p));
        Assert.Equal($"init(1)\n  a.out({p.Value})\n    a.out({c.Value})\n      a.out({g.Value}) <defunct>\n", tree.ToText());
    }

    [Fact]
    public void Page_runs_group_consecutive_pages_with_the_same_bits()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 5);
        var runs = m.Process(p)!.Snapshot().Memory!.Runs().ToList();
        Assert.Contains(runs, r => r.Start == a.Page(m.PageSize) && r.Count == 5);
    }

    [Fact]
    public void Faults_and_frames_are_recorded_with_the_process_and_time()
    {
        var (m, p) = WithProgram();
        var a = m.Mmap(p, m.PageSize, Protection.ReadWrite).Value;
        long t = m.Clock;
        m.WriteWord(p, a, 1).ThrowIfNotOk();
        var fault = Assert.Single(m.Events.Since(t + 1).OfType<PageFault>());
        Assert.Equal((p, a, FaultKind.DemandZero, true), (fault.Pid, fault.Address, fault.Kind, fault.Write));
        var frame = Assert.Single(m.Events.Since(t + 1).OfType<FrameAllocated>());
        Assert.Equal(fault.NewFrame, frame.Frame);
        Assert.Equal(t + 1, fault.Time);
    }

    [Fact]
    public void Thread_state_changes_are_recorded_with_reasons()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Wait(p);
        m.Exit(c, 0);
        var changes = m.Events.ForPid(p).OfType<ThreadStateChanged>().ToList();
        Assert.Contains(changes, e => e.To == SimThreadState.Blocked && e.Reason.Contains("wait4"));
        Assert.Contains(changes, e => e.From == SimThreadState.Blocked && e.To == SimThreadState.Runnable);
    }

    [Fact]
    public void Results_print_like_strace()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Exit(c, 3);
        Assert.Equal($"wait4(-1, [{{WIFEXITED(s) && WEXITSTATUS(s) == 3}}], 0) = {c.Value}", m.Wait(p).ToString());
        Assert.StartsWith("kill(999, SIGTERM) = -1 ESRCH (No such process): kill() by pid", m.Kill(p, 999, Signal.SIGTERM).ToString());
        var strace = m.Events.StraceLines().ToList();
        Assert.Contains(strace, l => l.Contains($"[pid {p.Value}] fork() = {c.Value}"));
    }

    [Fact]
    public void Schedule_marks_one_thread_running_at_a_time()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        m.Schedule(p);
        Assert.Equal(SimThreadState.Running, m.Thread(p)!.State);
        m.Schedule(c);
        Assert.Equal(SimThreadState.Runnable, m.Thread(p)!.State);
        Assert.Equal(SimThreadState.Running, m.Thread(c)!.State);
        Assert.Equal(c, m.Events.OfType<Scheduled>().Last().Pid);
    }

    [Fact]
    public void Same_seed_same_run()
    {
        static string Run()
        {
            var m = Machine.Boot(new MachineOptions { Seed = 7 });
            var p = m.Start("/bin/sh");
            for (int i = 0; i < 5; i++) m.Fork(p).ThrowIfNotOk();
            return string.Join("\n", m.Events.Select(e => e.ToString())) + m.Random.Next();
        }
        Assert.Equal(Run(), Run());
    }
}

public class ClassicExerciseTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void N_forks_in_a_loop_make_2_to_the_n_minus_1_new_processes(int n)
    {
        // for (i = 0; i < n; i++) fork();  -- every process alive at round i forks once
        var (m, p) = WithProgram();
        var running = new List<Pid> { p };
        for (int i = 0; i < n; i++)
            running.AddRange(running.ToList().Select(q => m.Fork(q).Value));
        Assert.Equal((1 << n) - 1, running.Count - 1);
        Assert.Equal(1 << n, m.Processes.Count(q => q.Pid != Pid.Init));
    }

    [Fact]
    public void Fork_fork_fork_then_print_prints_8_lines()
    {
        var (m, p) = WithProgram();
        var all = new List<Pid> { p };
        for (int i = 0; i < 3; i++) all.AddRange(all.ToList().Select(q => m.Fork(q).Value));
        foreach (var q in all) m.RecordOutput(q, "hello\n");
        Assert.Equal(8, m.Events.OfType<ProgramOutput>().Count());
    }
}
