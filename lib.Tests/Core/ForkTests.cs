using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class ForkTests
{
    [Fact]
    public void Boot_creates_init_as_pid_1_owned_by_root()
    {
        var m = Machine.Boot();
        var init = m.Process(Pid.Init)!;
        Assert.Equal("init", init.Command);
        Assert.Equal(0, init.Uid);
        Assert.Equal(Pid.Zero, init.PPid);
        Assert.Single(m.Processes);
        Assert.True(init.Smaps().Rss > 0); // the entry code page and the top stack page are resident
    }

    [Fact]
    public void Start_forks_from_init_and_execs_with_the_student_user()
    {
        var m = Machine.Boot();
        var p = m.Start("/bin/sh");
        var sh = m.Process(p)!;
        Assert.Equal(Pid.Init, sh.PPid);
        Assert.Equal("sh", sh.Command);
        Assert.Equal(1000, sh.Uid);
        Assert.Contains(m.Events.OfType<ProcessExeced>(), e => e.Pid == p && e.Path == "/bin/sh");
    }

    [Fact]
    public void Fork_returns_a_new_pid_whose_parent_is_the_caller()
    {
        var (m, p) = WithProgram();
        var r = m.Fork(p);
        Assert.True(r.IsOk);
        var child = m.Process(r.Value)!;
        Assert.NotEqual(p, r.Value);
        Assert.Equal(p, child.PPid);
        Assert.Equal(m.Process(p)!.Command, child.Command);
        Assert.Single(child.Threads);
        Assert.Equal($"fork() = {r.Value.Value}", r.ToString());
    }

    [Fact]
    public void Fork_copies_only_the_calling_thread()
    {
        var (m, p) = WithProgram();
        var t = m.Clone(p, CloneFlagsText.PthreadCreate).Value;
        var child = m.Fork(t).Value;
        Assert.Equal(2, m.Process(p)!.Threads.Count);
        Assert.Single(m.Process(child)!.Threads);
        Assert.Equal(p, m.Process(child)!.PPid); // the parent is the process (thread group), not the thread
    }

    [Fact]
    public void Fork_gives_the_child_context_the_return_value_0()
    {
        var (m, p) = WithProgram();
        m.Thread(p)!.Context = new FakeContext(pc: 5, ret: -1);
        var child = m.Fork(p).Value;
        var ctx = Assert.IsType<FakeContext>(m.Thread(child)!.Context);
        Assert.Equal(0, ctx.Ret);
        Assert.Equal(5, ctx.ProgramCounter);
    }

    [Fact]
    public void Fork_with_cow_shares_frames_read_only_and_raises_map_counts()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 8);
        int used = m.Memory.UsedFrames;
        var child = m.Fork(p).Value;
        Assert.Equal(used, m.Memory.UsedFrames); // nothing copied
        var parentTable = m.Process(p)!.AddressSpace!.PageTable;
        var childTable = m.Process(child)!.AddressSpace!.PageTable;
        for (int i = 0; i < 8; i++)
        {
            var page = (a + (long)i * m.PageSize).Page(m.PageSize);
            var frame = parentTable.FrameOf(page)!.Value;
            Assert.Equal(frame, childTable.FrameOf(page));
            Assert.Equal(2, m.Memory.MapCount(frame));
            foreach (var flags in new[] { parentTable.FlagsOf(page), childTable.FlagsOf(page) })
            {
                Assert.True(flags.HasFlag(PteFlags.CopyOnWrite));
                Assert.False(flags.HasFlag(PteFlags.Writable));
            }
        }
    }

    [Fact]
    public void Fork_fails_with_EAGAIN_at_the_per_user_limit_and_changes_nothing()
    {
        var (m, p) = WithProgram(nproc: 3);
        m.Fork(p).ThrowIfNotOk();
        m.Fork(p).ThrowIfNotOk();
        var before = m.Snapshot();
        var r = m.Fork(p);
        Assert.True(r.IsFailed);
        Assert.Equal(Errno.EAGAIN, r.Errno);
        Assert.Contains("fork() by pid", r.Message);
        Assert.Contains("limit", r.Message);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Zombies_count_against_the_per_user_limit_until_reaped()
    {
        var (m, p) = WithProgram(nproc: 2);
        var c = m.Fork(p).Value;
        m.Exit(c, 0);
        Assert.Equal(Errno.EAGAIN, m.Fork(p).Errno);
        m.Wait(p).ThrowIfNotOk();
        Assert.True(m.Fork(p).IsOk);
    }

    [Fact]
    public void Fork_fails_with_EAGAIN_when_pid_max_is_exhausted()
    {
        var (m, p) = WithProgram(pidMax: 6);
        // PIDs 1 (init) and 2 (the program) are taken; 3, 4, 5 remain below pid_max = 6.
        for (int i = 0; i < 3; i++) m.Fork(p).ThrowIfNotOk();
        var before = m.Snapshot();
        var r = m.Fork(p);
        Assert.Equal(Errno.EAGAIN, r.Errno);
        Assert.Contains("pid_max", r.Message);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Pids_wrap_around_and_skip_pids_in_use()
    {
        var (m, p) = WithProgram(pidMax: 6);
        var c3 = m.Fork(p).Value;
        var c4 = m.Fork(p).Value;
        var c5 = m.Fork(p).Value;
        Assert.Equal([3, 4, 5], new[] { c3.Value, c4.Value, c5.Value });
        m.Exit(c4, 0);
        m.Wait(p, c4).ThrowIfNotOk();
        Assert.Equal(4, m.Fork(p).Value.Value);
    }

    [Fact]
    public void Eager_fork_of_a_process_larger_than_free_memory_fails_with_ENOMEM_but_cow_fork_succeeds()
    {
        // xv6 cowtest "simpletest": allocate more than half of memory, fork.
        foreach (bool cow in new[] { false, true })
        {
            var (m, p) = WithProgram(frames: 256, cow: cow);
            int pages = m.Memory.FreeFrames * 2 / 3;
            MapAndWrite(m, p, pages);
            var before = m.Snapshot();
            var r = m.Fork(p);
            if (cow)
            {
                Assert.True(r.IsOk, r.ToString());
            }
            else
            {
                Assert.Equal(Errno.ENOMEM, r.Errno);
                Assert.Contains("copy-on-write is off", r.Message);
                AssertUnchanged(m, before);
            }
        }
    }

    [Fact]
    public void Eager_fork_copies_every_resident_private_page()
    {
        var (m, p) = WithProgram(cow: false);
        var a = MapAndWrite(m, p, 4);
        int used = m.Memory.UsedFrames;
        long privatePages = m.Process(p)!.AddressSpace!.PagesToCopyEagerly();
        var child = m.Fork(p).Value;
        Assert.Equal(used + privatePages, m.Memory.UsedFrames);
        Assert.Equal(1UL, m.ReadWord(child, a).Value);
    }

    [Fact]
    public void Fork_by_an_unknown_caller_fails_with_ESRCH()
    {
        var m = Machine.Boot();
        var r = m.Fork(99);
        Assert.Equal(Errno.ESRCH, r.Errno);
        Assert.Contains("pid 99", r.Message);
    }

    [Fact]
    public void Every_fork_is_recorded_as_a_syscall_and_a_creation_event()
    {
        var (m, p) = WithProgram();
        long t = m.Clock;
        var c = m.Fork(p).Value;
        var created = Assert.Single(m.Events.Since(t + 1).OfType<ProcessCreated>());
        Assert.Equal(c, created.Child);
        Assert.Equal(p, created.Parent);
        var call = Assert.Single(m.Events.Since(t + 1).OfType<SyscallEvent>());
        Assert.Equal("fork", call.Name);
        Assert.Equal(c.Value.ToString(), call.Result);
    }
}

/// <summary>A stand-in for the program interpreter's per-thread state.</summary>
internal sealed class FakeContext(int pc, long ret) : IThreadContext
{
    public int ProgramCounter { get; } = pc;
    public long Ret { get; } = ret;
    public IThreadContext CloneForChild(long returnValue) => new FakeContext(ProgramCounter, returnValue);
}
