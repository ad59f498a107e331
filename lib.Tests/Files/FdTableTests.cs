using CourseKit.Files;
using CourseKit.Kernel;
using static CourseKit.Tests.Files.FileTestMachines;

namespace CourseKit.Tests.Files;

public class FdTableTests
{
    private const OpenFlags CreateForWriting = OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate;

    [Fact]
    public void A_new_process_inherits_fds_0_1_2_pointing_at_one_terminal_description()
    {
        var (_, fs, p) = WithFiles();
        var table = fs.Snapshot(p)!;
        Assert.Equal([0, 1, 2], table.Fds.Select(f => f.Fd.Value));
        Assert.All(table.Fds, f => Assert.Equal(FileKind.Terminal, f.Kind));
        Assert.Single(table.Fds.Select(f => f.OpenFileId).Distinct());
    }

    [Fact]
    public void Open_returns_the_lowest_free_fd()
    {
        var (_, fs, p) = WithFiles();
        Assert.Equal(new Fd(3), fs.Open(p, "/tmp/a", CreateForWriting).Value);
        Assert.Equal(new Fd(4), fs.Open(p, "/tmp/b", CreateForWriting).Value);
        fs.Close(p, 0).ThrowIfNotOk();
        Assert.Equal(new Fd(0), fs.Open(p, "/tmp/c", CreateForWriting).Value);
    }

    [Fact]
    public void After_fork_parent_and_child_share_the_offset_of_an_inherited_fd()
    {
        var (m, fs, p) = WithFiles();
        var fd = fs.Open(p, "/tmp/log", CreateForWriting).Value;
        var child = m.Fork(p).Value;
        fs.Write(child, fd, "child ").ThrowIfNotOk();
        fs.Write(p, fd, "parent\n").ThrowIfNotOk();
        Assert.Equal("child parent\n", fs.ReadFile("/tmp/log"));
        Assert.Equal(13, fs.Lseek(p, fd, 0, Whence.Current).Value);
        var snapshot = fs.Snapshot();
        Assert.Equal(snapshot.TableOf(p)![fd]!.Value.OpenFileId, snapshot.TableOf(child)![fd]!.Value.OpenFileId);
        Assert.NotEqual(snapshot.TableOf(p)!.Id, snapshot.TableOf(child)!.Id);
    }

    [Fact]
    public void Two_opens_of_one_file_have_their_own_offsets_and_overwrite_each_other()
    {
        var (_, fs, p) = WithFiles();
        var a = fs.Open(p, "/tmp/f", CreateForWriting).Value;
        var b = fs.Open(p, "/tmp/f", OpenFlags.WriteOnly).Value;
        fs.Write(p, a, "abc").ThrowIfNotOk();
        fs.Write(p, b, "X").ThrowIfNotOk();
        Assert.Equal("Xbc", fs.ReadFile("/tmp/f"));
    }

    [Fact]
    public void O_APPEND_writes_at_the_end_whatever_the_offset()
    {
        var (_, fs, p) = WithFiles();
        fs.CreateFile("/tmp/f", "abc");
        var fd = fs.Open(p, "/tmp/f", OpenFlags.WriteOnly | OpenFlags.Append).Value;
        fs.Lseek(p, fd, 0).ThrowIfNotOk();
        fs.Write(p, fd, "d").ThrowIfNotOk();
        Assert.Equal("abcd", fs.ReadFile("/tmp/f"));
    }

    [Fact]
    public void Dup_shares_the_description_and_clears_close_on_exec()
    {
        var (_, fs, p) = WithFiles();
        fs.CreateFile("/tmp/f", "hello");
        var fd = fs.Open(p, "/tmp/f", OpenFlags.ReadOnly | OpenFlags.CloseOnExec).Value;
        var copy = fs.Dup(p, fd).Value;
        Assert.Equal("he", fs.Read(p, fd, 2).Value);
        Assert.Equal("llo", fs.Read(p, copy, 10).Value);
        Assert.Equal(FileSystem.FdCloexec, fs.Fcntl(p, fd, FcntlCommand.GetFd).Value);
        Assert.Equal(0, fs.Fcntl(p, copy, FcntlCommand.GetFd).Value);
    }

    [Fact]
    public void Dup2_closes_the_target_first_and_returns_it()
    {
        var (_, fs, p) = WithFiles();
        var fd = fs.Open(p, "/tmp/out", CreateForWriting).Value;
        Assert.Equal(Fd.Stdout, fs.Dup2(p, fd, Fd.Stdout).Value);
        fs.Write(p, Fd.Stdout, "redirected").ThrowIfNotOk();
        Assert.Equal("redirected", fs.ReadFile("/tmp/out"));
        Assert.Equal("", fs.Terminal.Screen);
        AssertConsistent(fs);
    }

    [Fact]
    public void Dup2_onto_itself_does_nothing_and_returns_the_fd()
    {
        var (_, fs, p) = WithFiles();
        var before = fs.Snapshot();
        Assert.Equal(new Fd(1), fs.Dup2(p, 1, 1).Value);
        Assert.Equal(before with { Time = 0 }, fs.Snapshot() with { Time = 0 });
    }

    [Fact]
    public void Dup2_of_the_only_fd_of_a_description_onto_another_fd_of_it_keeps_it_alive()
    {
        var (_, fs, p) = WithFiles();
        var fd = fs.Open(p, "/tmp/f", CreateForWriting).Value;
        var copy = fs.Dup(p, fd).Value;
        fs.Dup2(p, fd, copy).ThrowIfNotOk();
        fs.Write(p, copy, "still open").ThrowIfNotOk();
        AssertConsistent(fs);
    }

    [Fact]
    public void CLONE_FILES_shares_the_table_so_an_open_or_close_in_one_is_seen_by_the_other()
    {
        var (m, fs, p) = WithFiles();
        var child = m.Clone(p, CloneFlags.Files | CloneFlags.SigChld).Value;
        var fd = fs.Open(child, "/tmp/f", CreateForWriting).Value;
        fs.Write(p, fd, "parent sees the child's fd").ThrowIfNotOk();
        fs.Close(p, fd).ThrowIfNotOk();
        Assert.Equal(Errno.EBADF, fs.Write(child, fd, "x").Errno);
        var snapshot = fs.Snapshot();
        Assert.Same(snapshot.TableOf(p), snapshot.TableOf(child));
        AssertConsistent(fs);
    }

    [Fact]
    public void Without_CLONE_FILES_a_new_fd_in_the_child_is_not_in_the_parent()
    {
        var (m, fs, p) = WithFiles();
        var child = m.Fork(p).Value;
        var fd = fs.Open(child, "/tmp/f", CreateForWriting).Value;
        Assert.Equal(Errno.EBADF, fs.Write(p, fd, "x").Errno);
    }

    [Fact]
    public void Exec_closes_close_on_exec_fds_and_keeps_the_others_with_their_offsets()
    {
        var (m, fs, p) = WithFiles();
        fs.CreateFile("/tmp/f", "0123456789");
        var keep = fs.Open(p, "/tmp/f").Value;
        var drop = fs.Open(p, "/tmp/f", OpenFlags.ReadOnly | OpenFlags.CloseOnExec).Value;
        fs.Read(p, keep, 4).ThrowIfNotOk();
        m.Exec(p, "/bin/cat", ["cat"]).ThrowIfNotOk();
        Assert.Equal("4567", fs.Read(p, keep, 4).Value);
        Assert.Equal(Errno.EBADF, fs.Read(p, drop, 4).Errno);
        AssertConsistent(fs);
    }

    [Fact]
    public void Exec_unshares_a_CLONE_FILES_table()
    {
        var (m, fs, p) = WithFiles();
        var child = m.Clone(p, CloneFlags.Files | CloneFlags.SigChld).Value;
        m.Exec(child, "/bin/cat", ["cat"]).ThrowIfNotOk();
        var fd = fs.Open(child, "/tmp/f", CreateForWriting).Value;
        Assert.Equal(Errno.EBADF, fs.Write(p, fd, "x").Errno);
        var snapshot = fs.Snapshot();
        Assert.NotEqual(snapshot.TableOf(p)!.Id, snapshot.TableOf(child)!.Id);
        AssertConsistent(fs);
    }

    [Fact]
    public void Fcntl_F_SETFL_O_NONBLOCK_is_seen_through_every_fd_that_shares_the_description()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var child = m.Fork(p).Value;
        fs.Fcntl(p, pipe.Read, FcntlCommand.SetFl, (int)OpenFlags.NonBlock).ThrowIfNotOk();
        Assert.Equal(Errno.EAGAIN, fs.Read(child, pipe.Read, 10).Errno);
    }

    [Theory]
    [InlineData("/tmp/missing", OpenFlags.ReadOnly, Errno.ENOENT, "there is no file /tmp/missing")]
    [InlineData("/nodir/f", OpenFlags.WriteOnly | OpenFlags.Create, Errno.ENOENT, "the directory /nodir does not exist")]
    [InlineData("/tmp", OpenFlags.WriteOnly, Errno.EISDIR, "is a directory")]
    [InlineData("/bin/ls", OpenFlags.WriteOnly, Errno.EACCES, "owned by root")]
    [InlineData("/tmp/exists", OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, Errno.EEXIST, "O_CREAT|O_EXCL")]
    [InlineData("/tmp/exists", (OpenFlags)3, Errno.EINVAL, "not a valid combination")]
    public void Open_errors_name_the_reason_and_change_nothing(string path, OpenFlags flags, Errno errno, string reason)
    {
        var (_, fs, p) = WithFiles();
        fs.CreateFile("/tmp/exists", "x");
        var before = fs.Snapshot();
        var r = fs.Open(p, path, flags);
        Assert.Equal(errno, r.Errno);
        Assert.Contains(reason, r.Message);
        Assert.Contains("openat() by pid", r.Message);
        Assert.Equal(before with { Time = 0 }, fs.Snapshot() with { Time = 0 });
        Assert.Equal("x", fs.ReadFile("/tmp/exists"));
    }

    [Fact]
    public void Relative_paths_start_at_the_cwd()
    {
        var (_, fs, p) = WithFiles();
        fs.Open(p, "notes.md", CreateForWriting).ThrowIfNotOk();
        Assert.NotNull(fs.ReadFile("/home/student/notes.md"));
    }

    [Fact]
    public void Opening_more_fds_than_RLIMIT_NOFILE_fails_with_EMFILE()
    {
        var (_, fs, p) = WithFiles(new FileSystemOptions { MaxFds = 5 });
        fs.Open(p, "/dev/null").ThrowIfNotOk();
        fs.Open(p, "/dev/null").ThrowIfNotOk();
        var r = fs.Open(p, "/dev/null");
        Assert.Equal(Errno.EMFILE, r.Errno);
        Assert.Equal(Errno.EMFILE, fs.Dup(p, 0).Errno);
        Assert.Equal(Errno.EBADF, fs.Dup2(p, 0, 5).Errno);
    }

    [Fact]
    public void Bad_fds_give_EBADF_and_change_nothing()
    {
        var (_, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        var before = fs.Snapshot();
        Assert.Equal(Errno.EBADF, fs.Close(p, 9).Errno);
        Assert.Equal(Errno.EBADF, fs.Read(p, 9, 1).Errno);
        Assert.Equal(Errno.EBADF, fs.Write(p, -1, "x").Errno);
        Assert.Equal(Errno.EBADF, fs.Dup(p, 9).Errno);
        Assert.Equal(Errno.EBADF, fs.Dup2(p, 9, 1).Errno);
        Assert.Equal(Errno.EBADF, fs.Lseek(p, 9, 0).Errno);
        Assert.Contains("is the write end of pipe:[1]", fs.Read(p, pipe.Write, 1).Message);
        Assert.Contains("is the read end of pipe:[1]", fs.Write(p, pipe.Read, "x").Message);
        Assert.Equal(before with { Time = 0 }, fs.Snapshot() with { Time = 0 });
    }

    [Fact]
    public void A_zombie_makes_no_calls()
    {
        var (m, fs, p) = WithFiles();
        var child = m.Fork(p).Value;
        m.Exit(child, 0);
        var r = fs.Write(child, 1, "x");
        Assert.Equal(Errno.ESRCH, r.Errno);
        Assert.Contains("zombie", r.Message);
    }

    [Fact]
    public void Dev_null_swallows_writes_and_reads_end_of_file()
    {
        var (_, fs, p) = WithFiles();
        var fd = fs.Open(p, "/dev/null", OpenFlags.ReadWrite).Value;
        Assert.Equal(5, fs.Write(p, fd, "hello").Value);
        Assert.Equal("", fs.Read(p, fd, 10).Value);
        Assert.Equal("", fs.Terminal.Screen);
    }

    [Fact]
    public void The_terminal_shows_writes_as_program_output_and_reads_typed_input_then_end_of_file()
    {
        var (m, fs, p) = WithFiles();
        fs.Write(p, 1, "hi\n").ThrowIfNotOk();
        Assert.Equal("hi\n", fs.Terminal.Screen);
        Assert.Contains(m.Events.OfType<CourseKit.Tracing.ProgramOutput>(), o => o.Text == "hi\n" && o.Pid == p);
        fs.Terminal.Type("abc\n");
        Assert.Equal("abc\n", fs.Read(p, 0, 100).Value);
        Assert.Equal("", fs.Read(p, 0, 100).Value);
    }

    [Fact]
    public void Lseek_on_a_pipe_or_the_terminal_is_ESPIPE()
    {
        var (_, fs, p) = WithFiles();
        var pipe = fs.Pipe(p).Value;
        Assert.Equal(Errno.ESPIPE, fs.Lseek(p, pipe.Read, 0).Errno);
        Assert.Equal(Errno.ESPIPE, fs.Lseek(p, 1, 0).Errno);
    }

    [Fact]
    public void Calls_are_recorded_like_strace_lines()
    {
        var (m, fs, p) = WithFiles();
        fs.Pipe(p).ThrowIfNotOk();
        fs.Dup2(p, 4, 1).ThrowIfNotOk();
        fs.Close(p, 9);
        var lines = m.Events.OfType<CourseKit.Tracing.SyscallEvent>().Where(e => e.Pid == p).Select(e => $"{e.Name}({e.Args}) = {e.Result}").ToList();
        Assert.Contains("pipe2([3, 4], 0) = 0", lines);
        Assert.Contains("dup2(4, 1) = 1", lines);
        Assert.Contains("close(9) = -1 EBADF (Bad file descriptor)", lines);
    }

    [Fact]
    public void A_snapshot_reads_like_proc_fd_and_stays_as_it_was()
    {
        var (m, fs, p) = WithFiles();
        var pipe = fs.Pipe(p, OpenFlags.CloseOnExec).Value;
        var child = m.Fork(p).Value;
        var before = fs.Snapshot();
        fs.Close(child, pipe.Read).ThrowIfNotOk();
        Assert.Contains($"({child}): 0 -> /dev/tty [file 1], 1 -> /dev/tty [file 1], 2 -> /dev/tty [file 1], 3 -> pipe:[1] [file 2] (cloexec), 4 -> pipe:[1] [file 3] (cloexec)", before.ToString());
        Assert.Contains("file 2: pipe:[1] O_RDONLY offset 0, 2 references", before.ToString());
        Assert.Contains("pipe:[1]: 0 of 65536 bytes buffered, 1 read end, 1 write end", before.ToString());
        Assert.Equal(2, before.OpenFile(2)!.References);
        Assert.Equal(1, fs.Snapshot().OpenFile(2)!.References);
    }

    [Fact]
    public void Exit_closes_every_fd_and_nothing_leaks()
    {
        var (m, fs, p) = WithFiles();
        fs.Open(p, "/tmp/f", CreateForWriting).ThrowIfNotOk();
        fs.Pipe(p).ThrowIfNotOk();
        var child = m.Fork(p).Value;
        m.Clone(child, CloneFlags.Files | CloneFlags.SigChld).ThrowIfNotOk();
        AssertConsistent(fs);
        AssertNothingLeaksAfterEveryoneExits(m, fs);
    }
}
