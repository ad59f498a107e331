using CourseKit.Files;
using CourseKit.Kernel;
using static CourseKit.Tests.Files.FileTestMachines;

namespace CourseKit.Tests.Files;

public class PipeTests
{
    [Fact]
    public void What_is_written_to_the_write_end_comes_out_of_the_read_end_in_order()
    {
        var (_, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        Assert.Equal((new Fd(3), new Fd(4)), (pipe.Read, pipe.Write));
        fs.Write(p, pipe.Write, "hello ").ThrowIfNotOk();
        fs.Write(p, pipe.Write, "world").ThrowIfNotOk();
        Assert.Equal("hello", fs.Read(p, pipe.Read, 5).Value);
        Assert.Equal(" world", fs.Read(p, pipe.Read, 100).Value);
    }

    [Fact]
    public void Reading_an_empty_pipe_with_a_write_end_open_sleeps_and_names_the_pipe_and_the_holder()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        var r = fs.Read(child, pipe.Read, 10);
        Assert.True(r.IsBlocked);
        Assert.Equal(SimThreadState.Blocked, m.Thread(child)!.State);
        Assert.Contains("pipe:[1]", r.Message);
        Assert.Contains($"{p} (sh) as fd 4", m.Thread(child)!.BlockedOn);
        Assert.Equal([child], fs.Snapshot().Pipes[0].WaitingReaders);
    }

    [Fact]
    public void A_write_wakes_the_sleeping_reader_which_then_gets_the_data()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        Assert.True(fs.Read(child, pipe.Read, 10).IsBlocked);
        fs.Write(p, pipe.Write, "data").ThrowIfNotOk();
        Assert.NotEqual(SimThreadState.Blocked, m.Thread(child)!.State);
        Assert.Equal("data", fs.Read(child, pipe.Read, 10).Value);
    }

    [Fact]
    public void Readers_get_end_of_file_only_when_every_write_end_in_every_process_is_closed()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        fs.Close(child, pipe.Write).ThrowIfNotOk();
        Assert.True(fs.Read(child, pipe.Read, 10).IsBlocked); // the parent still holds a write end
        fs.Close(p, pipe.Write).ThrowIfNotOk();
        Assert.NotEqual(SimThreadState.Blocked, m.Thread(child)!.State);
        var eof = fs.Read(child, pipe.Read, 10);
        Assert.True(eof.IsOk);
        Assert.Equal("", eof.Value);
    }

    [Fact]
    public void Buffered_data_is_still_read_after_the_writers_closed_then_end_of_file()
    {
        var (_, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        fs.Write(p, pipe.Write, "last words").ThrowIfNotOk();
        fs.Close(p, pipe.Write).ThrowIfNotOk();
        Assert.Equal("last words", fs.Read(p, pipe.Read, 100).Value);
        Assert.Equal("", fs.Read(p, pipe.Read, 100).Value);
    }

    [Fact]
    public void Writing_with_no_read_end_open_kills_the_writer_with_SIGPIPE()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        fs.Close(p, pipe.Read).ThrowIfNotOk();
        fs.Close(child, pipe.Read).ThrowIfNotOk();
        var r = fs.Write(child, pipe.Write, "y\n");
        Assert.True(r.IsKilled);
        Assert.Equal(Signal.SIGPIPE, r.KilledBy);
        var status = m.Process(child)!.ExitStatus!.Value;
        Assert.True(WaitStatus.WIFSIGNALED(status.Raw));
        Assert.Equal(13, WaitStatus.WTERMSIG(status.Raw));
    }

    [Fact]
    public void Writing_zero_bytes_to_a_pipe_without_readers_returns_0_and_sends_no_signal()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        fs.Close(p, pipe.Read).ThrowIfNotOk();
        Assert.Equal(0, fs.Write(p, pipe.Write, "").Value);
        Assert.Null(m.Process(p)!.ExitStatus);
    }

    [Fact]
    public void With_SIGPIPE_ignored_the_write_fails_with_EPIPE()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        fs.Close(p, pipe.Read).ThrowIfNotOk();
        m.Sigaction(p, Signal.SIGPIPE, SignalDisposition.Ignore).ThrowIfNotOk();
        var r = fs.Write(p, pipe.Write, "y\n");
        Assert.Equal(Errno.EPIPE, r.Errno);
        Assert.Contains("read end", r.Message);
        Assert.Null(m.Process(p)!.ExitStatus);
    }

    [Fact]
    public void A_full_pipe_puts_the_writer_to_sleep_until_a_reader_makes_room()
    {
        var (m, fs, p) = WithFiles(new FileSystemOptions { PipeCapacity = 8, PipeBuf = 4 });
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        Assert.Equal(4, fs.Write(child, pipe.Write, "abcd").Value);
        Assert.Equal(4, fs.Write(child, pipe.Write, "efgh").Value);
        var full = fs.Write(child, pipe.Write, "ij");
        Assert.True(full.IsBlocked);
        Assert.Contains("the pipe is full (8 of 8 bytes", full.Message);
        Assert.Equal("abc", fs.Read(p, pipe.Read, 3).Value);
        Assert.NotEqual(SimThreadState.Blocked, m.Thread(child)!.State);
        Assert.Equal(2, fs.Write(child, pipe.Write, "ij").Value);
        Assert.Equal("defghij", fs.Read(p, pipe.Read, 100).Value);
    }

    [Fact]
    public void A_write_of_at_most_PIPE_BUF_bytes_goes_in_whole_or_not_at_all()
    {
        var (m, fs, p) = WithFiles(new FileSystemOptions { PipeCapacity = 8, PipeBuf = 4 });
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        fs.Write(child, pipe.Write, "123456").ThrowIfNotOk();
        Assert.True(fs.Write(child, pipe.Write, "abc").IsBlocked); // 2 bytes free, 3 asked: nothing written
        Assert.Equal("123456", fs.Snapshot().Pipes[0].Buffered);
    }

    [Fact]
    public void A_larger_write_goes_in_piece_by_piece_and_the_retry_finishes_it()
    {
        var (m, fs, p) = WithFiles(new FileSystemOptions { PipeCapacity = 8, PipeBuf = 4 });
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        Assert.True(fs.Write(child, pipe.Write, "0123456789AB").IsBlocked);
        Assert.Equal("01234567", fs.Read(p, pipe.Read, 100).Value);
        Assert.Equal(12, fs.Write(child, pipe.Write, "0123456789AB").Value);
        Assert.Equal("89AB", fs.Read(p, pipe.Read, 100).Value);
    }

    [Fact]
    public void Closing_the_last_read_end_wakes_a_sleeping_writer_which_then_gets_SIGPIPE()
    {
        var (m, fs, p) = WithFiles(new FileSystemOptions { PipeCapacity = 4, PipeBuf = 4 });
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        fs.Close(child, pipe.Read).ThrowIfNotOk();
        fs.Write(child, pipe.Write, "full").ThrowIfNotOk();
        Assert.True(fs.Write(child, pipe.Write, "more").IsBlocked);
        fs.Close(p, pipe.Read).ThrowIfNotOk();
        Assert.True(fs.Write(child, pipe.Write, "more").IsKilled);
    }

    [Fact]
    public void O_NONBLOCK_turns_sleeping_into_EAGAIN()
    {
        var (_, fs, p) = WithFiles(new FileSystemOptions { PipeCapacity = 4, PipeBuf = 4 });
        var pipe = fs.Pipe(p, OpenFlags.NonBlock).Value;
        Assert.Equal(Errno.EAGAIN, fs.Read(p, pipe.Read, 1).Errno);
        fs.Write(p, pipe.Write, "1234").ThrowIfNotOk();
        Assert.Equal(Errno.EAGAIN, fs.Write(p, pipe.Write, "5").Errno);
    }

    [Fact]
    public void Pipe2_with_O_CLOEXEC_marks_both_ends_close_on_exec()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p, OpenFlags.CloseOnExec).Value;
        Assert.All(fs.Snapshot(p)!.Fds.Where(f => f.Fd.Value >= 3), f => Assert.True(f.CloseOnExec));
        m.Exec(p, "/bin/cat", ["cat"]).ThrowIfNotOk();
        Assert.Equal(0, fs.PipeCount);
        Assert.Equal(Errno.EBADF, fs.Read(p, pipe.Read, 1).Errno);
    }

    [Fact]
    public void Pipe2_rejects_other_flags_with_EINVAL()
    {
        var (_, fs, p) = WithFiles();
        Assert.Equal(Errno.EINVAL, fs.Pipe(p, OpenFlags.Append).Errno);
        Assert.Equal(0, fs.PipeCount);
    }

    [Fact]
    public void A_pipe_and_its_buffer_are_freed_when_both_ends_are_closed()
    {
        var (_, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        fs.Write(p, pipe.Write, "unread").ThrowIfNotOk();
        fs.Close(p, pipe.Read).ThrowIfNotOk();
        Assert.Equal(1, fs.PipeCount);
        fs.Close(p, pipe.Write).ThrowIfNotOk();
        Assert.Equal(0, fs.PipeCount);
        AssertConsistent(fs);
    }

    [Fact]
    public void A_killed_reader_releases_its_ends_and_nothing_leaks()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        Assert.True(fs.Read(child, pipe.Read, 1).IsBlocked);
        m.Kill(p, child, Signal.SIGKILL).ThrowIfNotOk();
        AssertConsistent(fs);
        AssertNothingLeaksAfterEveryoneExits(m, fs);
    }
}
