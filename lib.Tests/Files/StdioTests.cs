using CourseKit.Files;
using CourseKit.Kernel;
using CourseKit.Programs;
using static CourseKit.Tests.Files.FileTestMachines;

namespace CourseKit.Tests.Files;

public class StdioTests
{
    private const string ForkPrintLoop = "for (i = 0; i < 3; i++) { fork(); printf(\"hello\\n\"); }";

    /// <summary>A machine with files and a scheduler whose programs print through stdio buffers.</summary>
    private static (Machine M, FileSystem Fs, Scheduler S) WithStdio()
    {
        var m = Machine.Boot();
        var fs = FileSystem.Attach(m);
        var s = new Scheduler(m) { Output = new StdioProgramOutput(new Stdio(fs)) };
        return (m, fs, s);
    }

    private static int Lines(string text, string line) => text.Split('\n').Count(l => l == line);

    [Fact]
    public void The_fork_printf_loop_prints_14_lines_on_a_terminal()
    {
        var (_, fs, s) = WithStdio();
        s.Start(ForkPrintLoop);
        Assert.Equal(RunStatus.Completed, s.Run().Status);
        Assert.Equal(14, Lines(fs.Terminal.Screen, "hello"));
        AssertConsistent(fs);
    }

    [Fact]
    public void The_fork_printf_loop_prints_24_lines_into_a_pipe_because_fork_copies_the_unflushed_buffer()
    {
        var (m, fs, s) = WithStdio();
        var p = s.Start(ForkPrintLoop);
        var pipe = fs.Pipe(p).Value;          // before the first instruction: stdout becomes a pipe
        fs.Dup2(p, pipe.Write, Fd.Stdout).ThrowIfNotOk();
        fs.Close(p, pipe.Write).ThrowIfNotOk();
        var reader = m.Fork(p).Value;          // a process that keeps the read end (it runs no program)
        m.Thread(reader)!.Context = new NoProgram();
        fs.Close(p, pipe.Read).ThrowIfNotOk();
        Assert.Equal(RunStatus.Completed, s.Run().Status);
        Assert.Equal(24, Lines(fs.Read(reader, pipe.Read, 1000).Value, "hello"));
        Assert.Equal("", fs.Terminal.Screen);
    }

    [Fact]
    public void The_fork_printf_loop_prints_24_lines_into_a_file()
    {
        var (_, fs, s) = WithStdio();
        var p = s.Start(ForkPrintLoop);
        var fd = fs.Open(p, "/tmp/out", OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate).Value;
        fs.Dup2(p, fd, Fd.Stdout).ThrowIfNotOk();
        fs.Close(p, fd).ThrowIfNotOk();
        Assert.Equal(RunStatus.Completed, s.Run().Status);
        Assert.Equal(24, Lines(fs.ReadFile("/tmp/out")!, "hello"));
    }

    [Fact]
    public void Fflush_before_fork_brings_the_pipe_back_to_14_lines()
    {
        var (_, fs, s) = WithStdio();
        var p = s.Start("for (i = 0; i < 3; i++) { fflush(stdout); fork(); printf(\"hello\\n\"); }");
        var fd = fs.Open(p, "/tmp/out", OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate).Value;
        fs.Dup2(p, fd, Fd.Stdout).ThrowIfNotOk();
        Assert.Equal(RunStatus.Completed, s.Run().Status);
        Assert.Equal(14, Lines(fs.ReadFile("/tmp/out")!, "hello"));
    }

    [Fact]
    public void Underscore_exit_loses_what_is_still_buffered_and_exit_writes_it()
    {
        var (_, fs, s) = WithStdio();
        var p = s.Start("printf(\"kept\\n\")\nif (fork() == 0) { printf(\"lost\\n\"); _exit(0); }\nwait(NULL)\nexit(0)");
        var fd = fs.Open(p, "/tmp/out", OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate).Value;
        fs.Dup2(p, fd, Fd.Stdout).ThrowIfNotOk();
        Assert.Equal(RunStatus.Completed, s.Run().Status);
        Assert.Equal("kept\n", fs.ReadFile("/tmp/out"));
    }

    [Fact]
    public void On_a_terminal_text_without_a_newline_waits_in_the_buffer()
    {
        var (m, fs, s) = WithStdio();
        var p = s.Start("printf(\"no newline\")\nsleep(5)\nprintf(\"!\\n\")");
        for (int i = 0; i < 2; i++) s.Step();
        Assert.Equal("", fs.Terminal.Screen);
        Assert.Equal(BufferMode.LineBuffered, new Stdio(fs).BufferOf(p)!.Mode);
        s.Run();
        Assert.Equal("no newline!\n", fs.Terminal.Screen);
        _ = m;
    }

    [Fact]
    public void Exec_throws_the_unwritten_buffer_away_with_the_old_image()
    {
        var (m, fs, _) = WithStdio();
        var p = m.Start("/bin/sh");
        var stdio = new Stdio(fs);
        var fd = fs.Open(p, "/tmp/out", OpenFlags.WriteOnly | OpenFlags.Create).Value;
        fs.Dup2(p, fd, Fd.Stdout).ThrowIfNotOk();
        stdio.Printf(p, "never written\n");
        m.Exec(p, "/bin/cat", ["cat"]).ThrowIfNotOk();
        Assert.Equal("", stdio.BufferOf(p)!.Unwritten);
        Assert.Equal("", fs.ReadFile("/tmp/out"));
    }

    [Fact]
    public void A_fully_buffered_stdout_is_written_when_the_buffer_fills()
    {
        var (m, fs, _) = WithStdio();
        var p = m.Start("/bin/sh");
        var stdio = new Stdio(fs, bufferSize: 8);
        var fd = fs.Open(p, "/tmp/out", OpenFlags.WriteOnly | OpenFlags.Create).Value;
        fs.Dup2(p, fd, Fd.Stdout).ThrowIfNotOk();
        Assert.Null(stdio.Printf(p, "1234\n"));
        Assert.Equal(10, stdio.Printf(p, "5678\n")!.Value.Value);
        Assert.Equal("1234\n5678\n", fs.ReadFile("/tmp/out"));
    }

    [Fact]
    public void A_flush_into_a_full_pipe_keeps_the_unwritten_rest_for_later()
    {
        var m = Machine.Boot();
        var fs = FileSystem.Attach(m, new FileSystemOptions { PipeCapacity = 4, PipeBuf = 2 });
        var p = m.Start("/bin/sh");
        var stdio = new Stdio(fs);
        var pipe = fs.Pipe(p).Value;
        var reader = m.Fork(p).Value;
        fs.Dup2(p, pipe.Write, Fd.Stdout).ThrowIfNotOk();
        stdio.Printf(p, "abcdef");
        Assert.True(stdio.Fflush(p)!.Value.IsBlocked);
        Assert.Equal("ef", stdio.BufferOf(p)!.Unwritten);
        Assert.Equal("abcd", fs.Read(reader, pipe.Read, 100).Value);
        Assert.Equal(2, stdio.Fflush(p)!.Value.Value);
        Assert.Equal("ef", fs.Read(reader, pipe.Read, 100).Value);
    }

    /// <summary>A thread context that is not a program: the scheduler leaves the thread alone.</summary>
    private sealed class NoProgram : IThreadContext
    {
        public int ProgramCounter => 0;

        public IThreadContext CloneForChild(long returnValue) => this;
    }
}
