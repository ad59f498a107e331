using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

public class ExecTests
{
    [Theory]
    [InlineData("/bin/nope", Errno.ENOENT, "no file")]
    [InlineData("/home/student/notes.txt", Errno.EACCES, "execute permission")]
    [InlineData("/home/student/script", Errno.ENOEXEC, "not ELF")]
    public void Exec_errors_leave_the_process_untouched(string path, Errno errno, string reason)
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        var r = m.Exec(p, path, ["x"]);
        Assert.Equal(errno, r.Errno);
        Assert.Contains(reason, r.Message);
        Assert.Contains($"execve() by {p}", r.Message);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Exec_with_too_many_argument_bytes_fails_with_E2BIG()
    {
        var m = Machine.Boot(new MachineOptions { ArgMax = 100 });
        var p = m.Start("/bin/sh");
        var before = m.Snapshot();
        var r = m.Exec(p, "/bin/echo", ["echo", new string('x', 200)]);
        Assert.Equal(Errno.E2BIG, r.Errno);
        AssertUnchanged(m, before);
        Assert.Equal(Errno.E2BIG, m.Exec(p, "/bin/echo", ["echo", new string('y', 200_000)]).Errno); // MAX_ARG_STRLEN
    }

    [Fact]
    public void Exec_without_frames_for_the_new_image_fails_with_ENOMEM()
    {
        var (m, p) = WithProgram(frames: 32);
        var a = m.Mmap(p, 64L * m.PageSize, Protection.ReadWrite).Value;
        for (int i = 0; m.Memory.FreeFrames > 0; i++) m.WriteWord(p, a + (long)i * m.PageSize, 1).ThrowIfNotOk();
        var before = m.Snapshot();
        var r = m.Exec(p, "/usr/bin/python3", ["python3"]);
        Assert.Equal(Errno.ENOMEM, r.Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Exec_keeps_pid_and_ppid_and_replaces_the_image()
    {
        var (m, p) = WithProgram();
        var c = m.Fork(p).Value;
        var a = MapAndWrite(m, c, 4);
        var oldSpace = m.Process(c)!.AddressSpace!.Id;
        m.Exec(c, "/bin/ls", ["ls", "-l"]).ThrowIfNotOk();
        var child = m.Process(c)!;
        Assert.Equal((c, p), (child.Pid, child.PPid));
        Assert.Equal("ls", child.Command);
        Assert.Equal(["ls", "-l"], child.Argv);
        Assert.NotEqual(oldSpace, child.AddressSpace!.Id);
        Assert.Null(child.AddressSpace.FindSegment(a)); // the old mapping is gone
        Assert.Equal("/bin/ls", child.AddressSpace.Segments[0].File);
        var call = m.Events.OfType<SyscallEvent>().Last();
        Assert.Equal(("execve", "\"/bin/ls\", [\"ls\", \"-l\"]", "0"), (call.Name, call.Args, call.Result));
    }

    [Fact]
    public void Exec_writes_argc_at_the_top_of_the_new_stack()
    {
        var (m, p) = WithProgram();
        m.Exec(p, "/bin/echo", ["echo", "a", "b"]).ThrowIfNotOk();
        var stack = m.Process(p)!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Stack);
        Assert.Equal(3UL, m.ReadWord(p, stack.End + -8).Value);
    }

    [Fact]
    public void Exec_frees_the_old_image_when_no_one_else_uses_it()
    {
        var (m, p) = WithProgram();
        int baseline = m.Memory.UsedFrames;
        MapAndWrite(m, p, 20);
        m.Exec(p, "/home/student/a.out", ["a.out"]).ThrowIfNotOk();
        Assert.Equal(baseline, m.Memory.UsedFrames);
    }

    [Fact]
    public void Exec_destroys_the_other_threads()
    {
        var (m, p) = WithProgram();
        var t = m.Clone(p, CloneFlagsText.PthreadCreate).Value;
        m.Exec(p, "/bin/ls", ["ls"]).ThrowIfNotOk();
        Assert.Null(m.Thread(t));
        Assert.Single(m.Process(p)!.Threads);
    }

    [Fact]
    public void Exec_by_a_non_main_thread_keeps_the_pid()
    {
        var (m, p) = WithProgram();
        var t = m.Clone(p, CloneFlagsText.PthreadCreate).Value;
        m.Exec(t, "/bin/ls", ["ls"]).ThrowIfNotOk();
        Assert.Equal(p, Assert.Single(m.Process(p)!.Threads).Tid);
        Assert.NotNull(m.Thread(p));
        Assert.Null(m.Thread(t));
    }

    [Fact]
    public void Exec_resets_caught_handlers_and_keeps_ignored_signals()
    {
        var (m, p) = WithProgram();
        m.Sigaction(p, Signal.SIGTERM, SignalDisposition.Handler).ThrowIfNotOk();
        m.Sigaction(p, Signal.SIGINT, SignalDisposition.Ignore).ThrowIfNotOk();
        m.Exec(p, "/bin/ls", ["ls"]).ThrowIfNotOk();
        Assert.Equal(SignalDisposition.Default, m.Process(p)!.Signals[Signal.SIGTERM]);
        Assert.Equal(SignalDisposition.Ignore, m.Process(p)!.Signals[Signal.SIGINT]);
    }

    [Fact]
    public void Exec_unshares_a_shared_handler_table_before_resetting_it()
    {
        var (m, p) = WithProgram();
        m.Sigaction(p, Signal.SIGTERM, SignalDisposition.Handler).ThrowIfNotOk();
        var c = m.Clone(p, CloneFlags.Vm | CloneFlags.Sighand | CloneFlags.SigChld).Value;
        m.Exec(c, "/bin/ls", ["ls"]).ThrowIfNotOk();
        Assert.Equal(SignalDisposition.Handler, m.Process(p)!.Signals[Signal.SIGTERM]);
        Assert.Equal(SignalDisposition.Default, m.Process(c)!.Signals[Signal.SIGTERM]);
    }

    [Fact]
    public void Exec_unshares_the_fd_table_and_closes_close_on_exec_fds()
    {
        var (m, p) = WithProgram();
        var table = new FakeFileTable();
        m.Process(p)!.FileTable = table;
        var c = m.Clone(p, CloneFlags.Files | CloneFlags.SigChld).Value;
        m.Exec(c, "/bin/ls", ["ls"]).ThrowIfNotOk();
        Assert.Equal(1, table.Unshares);
        Assert.NotSame(table, m.Process(c)!.FileTable);
        Assert.Equal(1, ((FakeFileTable)m.Process(c)!.FileTable!).CloseOnExecs);
    }

    [Fact]
    public void Exec_asks_the_program_loader_for_the_new_thread_context()
    {
        var (m, p) = WithProgram();
        m.ProgramLoader = (process, exe, argv) => new FakeContext(pc: argv.Count, ret: 0);
        m.Exec(p, "/bin/echo", ["echo", "x"]).ThrowIfNotOk();
        Assert.Equal(2, m.Thread(p)!.Context!.ProgramCounter);
    }

    [Fact]
    public void The_command_name_is_truncated_to_15_characters()
    {
        var m = Machine.Boot();
        m.Programs.Add(new Executable("/usr/bin/a-very-long-program-name", 2, 1, "test"));
        var p = m.Start("/usr/bin/a-very-long-program-name");
        Assert.Equal("a-very-long-pro", m.Process(p)!.Command);
    }
}
