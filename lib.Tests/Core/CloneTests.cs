using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class CloneTests
{
    private const CloneFlags Thread = CloneFlags.Vm | CloneFlags.Sighand | CloneFlags.Thread;

    [Theory]
    [InlineData(CloneFlags.Sighand, "CLONE_SIGHAND needs CLONE_VM")]
    [InlineData(CloneFlags.Vm | CloneFlags.Thread, "CLONE_THREAD needs CLONE_SIGHAND")]
    [InlineData(CloneFlags.Fs | CloneFlags.NewNs, "CLONE_FS cannot be combined with CLONE_NEWNS")]
    [InlineData(CloneFlags.PidFd, "not simulated")]
    public void Invalid_flag_combinations_fail_with_EINVAL_and_change_nothing(CloneFlags flags, string reason)
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        var r = m.Clone(p, flags | CloneFlags.SigChld);
        Assert.Equal(Errno.EINVAL, r.Errno);
        Assert.Contains(reason, r.Message);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Init_may_not_use_CLONE_PARENT()
    {
        var m = Machine.Boot();
        Assert.Equal(Errno.EINVAL, m.Clone(Pid.Init, CloneFlags.Parent | CloneFlags.SigChld).Errno);
    }

    [Fact]
    public void A_CLONE_THREAD_child_shares_the_pid_and_gets_its_own_tid()
    {
        var (m, p) = WithProgram();
        var tid = m.Clone(p, CloneFlagsText.PthreadCreate).Value;
        Assert.NotEqual(p, tid);
        var thread = m.Thread(tid)!;
        Assert.Equal(p, thread.Process.Pid);       // getpid() in the thread gives the TGID
        Assert.Null(m.Process(tid));               // not a process of its own
        Assert.Equal(2, m.Process(p)!.Threads.Count);
        Assert.Same(m.Process(p)!.AddressSpace, thread.Process.AddressSpace);
        Assert.True(m.Events.OfType<ProcessCreated>().Last().IsThread);
    }

    [Fact]
    public void A_thread_cannot_be_waited_for_and_sends_no_SIGCHLD()
    {
        var (m, p) = WithProgram();
        var tid = m.Clone(p, CloneFlagsText.PthreadCreate).Value;
        Assert.Equal(Errno.ECHILD, m.Wait(p).Errno);
        Assert.Equal(Errno.ECHILD, m.Wait(p, tid, WaitOptions.All).Errno);
        long t = m.Clock;
        m.ExitThread(tid, 0).ThrowIfNotOk();
        Assert.DoesNotContain(m.Events.Since(t), e => e is SignalDelivered { Signal: Signal.SIGCHLD });
        Assert.Single(m.Process(p)!.Threads);
        Assert.Equal(ProcessState.Running, m.Process(p)!.State);
    }

    [Fact]
    public void The_threads_parent_is_the_process_parent()
    {
        var (m, p) = WithProgram();
        var tid = m.Clone(p, CloneFlagsText.PthreadCreate).Value;
        var created = m.Events.OfType<ProcessCreated>().Last();
        Assert.Equal((tid, Pid.Init), (created.Child, created.Parent));
    }

    [Fact]
    public void The_last_thread_to_exit_ends_the_process_with_its_code()
    {
        var (m, p) = WithProgram(initReaps: false);
        var tid = m.Clone(p, Thread).Value;
        m.ExitThread(p, 1).ThrowIfNotOk(); // the main thread leaves; the process lives on
        Assert.Equal(ProcessState.Running, m.Process(p)!.State);
        Assert.True(m.Fork(tid).IsOk);
        m.ExitThread(tid, 7).ThrowIfNotOk();
        Assert.Equal(WaitStatus.Exited(7), m.Process(p)!.ExitStatus);
    }

    [Fact]
    public void Exit_group_ends_every_thread()
    {
        var (m, p) = WithProgram(initReaps: false);
        var t1 = m.Clone(p, Thread).Value;
        var t2 = m.Clone(p, Thread).Value;
        m.Exit(t1, 3).ThrowIfNotOk();
        Assert.Null(m.Thread(t2));
        Assert.Null(m.Thread(p));
        Assert.Equal(ProcessState.Zombie, m.Process(p)!.State);
    }

    [Fact]
    public void CLONE_VM_shares_memory_so_a_write_is_seen_by_the_other()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 1, seed: 1);
        var c = m.Clone(p, CloneFlags.Vm | CloneFlags.SigChld).Value;
        m.WriteWord(c, a, 42).ThrowIfNotOk();
        Assert.Equal(42UL, m.ReadWord(p, a).Value);
        Assert.Equal(m.Process(p)!.AddressSpace!.Id, m.Snapshot()[c]!.Memory!.Id);
        Assert.Equal(2, m.Process(p)!.AddressSpace!.Users);
    }

    [Fact]
    public void Without_CLONE_VM_a_write_is_private()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 1, seed: 1);
        var c = m.Clone(p, CloneFlags.SigChld).Value;
        m.WriteWord(c, a, 42).ThrowIfNotOk();
        Assert.Equal(1UL, m.ReadWord(p, a).Value);
    }

    [Fact]
    public void CLONE_FS_shares_the_umask_and_without_it_the_child_has_a_copy()
    {
        var (m, p) = WithProgram();
        var shared = m.Clone(p, CloneFlags.Fs | CloneFlags.SigChld).Value;
        var copied = m.Fork(p).Value;
        m.Umask(shared, 0x3f).ThrowIfNotOk();
        Assert.Equal(0x3f, m.Process(p)!.Fs.Umask);
        Assert.Equal(0x12, m.Process(copied)!.Fs.Umask);
    }

    [Fact]
    public void CLONE_SIGHAND_shares_the_handler_table()
    {
        var (m, p) = WithProgram();
        var shared = m.Clone(p, CloneFlags.Vm | CloneFlags.Sighand | CloneFlags.SigChld).Value;
        var copied = m.Fork(p).Value;
        m.Sigaction(shared, Signal.SIGTERM, SignalDisposition.Ignore).ThrowIfNotOk();
        Assert.Equal(SignalDisposition.Ignore, m.Process(p)!.Signals[Signal.SIGTERM]);
        Assert.Equal(SignalDisposition.Default, m.Process(copied)!.Signals[Signal.SIGTERM]);
    }

    [Fact]
    public void CLONE_FILES_shares_the_fd_table_and_fork_copies_it()
    {
        var (m, p) = WithProgram();
        var table = new FakeFileTable();
        m.Process(p)!.FileTable = table;
        var shared = m.Clone(p, CloneFlags.Files | CloneFlags.SigChld).Value;
        var copied = m.Fork(p).Value;
        Assert.Same(table, m.Process(shared)!.FileTable);
        Assert.NotSame(table, m.Process(copied)!.FileTable);
        Assert.Equal(1, table.Shares);
        Assert.Equal(1, table.Copies);
    }

    [Fact]
    public void CLONE_PARENT_makes_a_sibling_of_the_caller()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        var sibling = m.Clone(c, CloneFlags.Parent | CloneFlags.SigChld).Value;
        Assert.Equal(p, m.Process(sibling)!.PPid);
        Assert.Contains(sibling, m.Process(p)!.Children.Select(x => x.Pid));
    }

    [Fact]
    public void CLONE_VFORK_blocks_the_parent_until_the_child_exits()
    {
        var (m, p) = WithProgram();
        var c = m.Clone(p, CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld).Value;
        Assert.Equal(SimThreadState.Blocked, m.Thread(p)!.State);
        Assert.Equal(WaitChannel.VforkDone, m.Thread(p)!.Channel);
        Assert.True(m.Fork(p).IsBlocked);
        m.Exit(c, 0).ThrowIfNotOk();
        Assert.Equal(SimThreadState.Runnable, m.Thread(p)!.State);
    }

    [Fact]
    public void Vfork_borrows_the_parents_memory_until_the_child_execs()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 64);
        int used = m.Memory.UsedFrames;
        var c = m.Vfork(p).Value;
        Assert.Equal(used, m.Memory.UsedFrames); // nothing copied, whatever the size
        m.WriteWord(c, a, 77).ThrowIfNotOk();    // the child writes the parent's memory (stack included)
        Assert.Equal(77UL, m.ReadWord(c, a).Value);
        m.Exec(c, "/bin/ls", ["ls"]).ThrowIfNotOk();
        Assert.Equal(SimThreadState.Runnable, m.Thread(p)!.State);
        Assert.Equal(77UL, m.ReadWord(p, a).Value);
        Assert.NotEqual(m.Process(p)!.AddressSpace!.Id, m.Process(c)!.AddressSpace!.Id);
        Assert.Equal(1, m.Process(p)!.AddressSpace!.Users);
    }

    [Fact]
    public void Posix_spawn_runs_the_program_in_a_child()
    {
        var (m, p) = WithProgram();
        var c = m.PosixSpawn(p, "/bin/echo", ["echo", "hi"]).Value;
        Assert.Equal("echo", m.Process(c)!.Command);
        Assert.Equal(p, m.Process(c)!.PPid);
        Assert.Equal(SimThreadState.Runnable, m.Thread(p)!.State);
        var clone = m.Events.OfType<ProcessCreated>().Last();
        Assert.Equal(CloneFlags.Vm | CloneFlags.Vfork | CloneFlags.SigChld, clone.Flags);
    }

    [Fact]
    public void Posix_spawn_of_a_missing_program_gives_a_child_that_exits_with_127()
    {
        var (m, p) = WithProgram();
        var c = m.PosixSpawn(p, "/bin/nope", ["nope"]).Value;
        var r = m.Wait(p, c).Value;
        Assert.Equal(127, r.Status.ExitStatus);
        Assert.Contains(m.Events.OfType<SyscallEvent>(), e => e.Pid == c && e.Name == "execve" && e.Errno == Errno.ENOENT);
    }
}

/// <summary>A stand-in for the files layer's fd table, counting the hooks the kernel calls.</summary>
internal sealed class FakeFileTable : IFileTable
{
    public int Copies, Shares, Unshares, CloseOnExecs, Releases;
    public int Users = 1;
    public IFileTable CopyForFork() { Copies++; return new FakeFileTable(); }
    public void Share() { Shares++; Users++; }
    public IFileTable Unshare()
    {
        Unshares++;
        if (Users == 1) return this;
        Users--;
        return new FakeFileTable();
    }
    public void CloseOnExec() => CloseOnExecs++;
    public void Release() { Releases++; Users--; }
}
