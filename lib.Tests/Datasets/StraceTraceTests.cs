using CourseKit.Tracing.Strace;

namespace CourseKit.Tests.Datasets;

/// <summary>The importer on the real traces in datasets/strace (captured by datasets/capture/capture.sh).</summary>
public class StraceTraceTests
{
    private static StraceTrace Load(string name)
    {
        var result = StraceTrace.Load(DatasetFiles.Path("strace", name));
        Assert.True(result.IsOk, result.ToString());
        return result.Trace!;
    }

    private static string Exe(StraceTask t) => System.IO.Path.GetFileName(t.Program ?? "?");

    [Theory]
    [InlineData("pipeline.trace", StraceTimestampKind.Epoch)]
    [InlineData("pipeline-all-syscalls.trace", StraceTimestampKind.Epoch)]
    [InlineData("pipeline-t.trace", StraceTimestampKind.TimeOfDay)]
    [InlineData("pipeline-tt.trace", StraceTimestampKind.TimeOfDay)]
    [InlineData("pipeline-r.trace", StraceTimestampKind.Relative)]
    [InlineData("pipeline-no-time.trace", StraceTimestampKind.None)]
    [InlineData("pipeline-stderr.trace", StraceTimestampKind.Epoch)]
    public void Pipeline_is_bash_with_two_children_ls_and_wc_in_every_output_format(string file, StraceTimestampKind kind)
    {
        var trace = Load(file);
        Assert.Equal(kind, trace.TimestampKind);
        var bash = trace.Root;
        Assert.Equal(StraceCreation.Traced, bash.Creation);
        Assert.Equal("bash", Exe(bash));
        Assert.Equal(["ls", "wc"], bash.Children.Select(Exe).Order());
        Assert.All(bash.Children, child =>
        {
            Assert.False(child.IsThread);
            Assert.Equal(bash.Tid, child.ParentPid);
            Assert.Equal(StraceCreation.Clone, child.Creation);
            Assert.Equal(17UL, child.CloneFlags & 0xff);        // glibc fork = clone(SIGCHLD)
            Assert.Equal(0, child.ExitCode);
            Assert.Equal(0, child.WaitStatus);
            Assert.Equal(bash.Tid, child.ReapedBy);
        });
        Assert.Equal(3, trace.Processes.Count());
        Assert.Equal(0, bash.ExitCode);
        Assert.Null(bash.ReapedBy);                              // its parent is strace's caller, not traced
        Assert.Equal(["ls", "/tmp"], bash.Children.Single(c => Exe(c) == "ls").Execs.Single().Argv);
        // time never runs backwards and starts at 0 (or line numbers without timestamps)
        var times = trace.Records.Select(r => r.Time).ToList();
        Assert.True(times.Zip(times.Skip(1)).All(p => p.First <= p.Second) || kind == StraceTimestampKind.None);
    }

    [Fact]
    public void Stderr_trace_finds_the_unprefixed_root_pid()
    {
        var trace = Load("pipeline-stderr.trace");
        Assert.DoesNotContain(trace.Records, r => r.Pid <= 0);
        Assert.DoesNotContain(trace.Notes, n => n.Contains("pid 0"));
        // strace glued "Process N attached" into the middle of the clone line: the call is still whole
        Assert.Equal(2, trace.Calls.Count(c => c.Name == "clone" && c.Result?.Value > 0 && c.Arguments.Contains("child_tidptr")));
    }

    [Fact]
    public void Threads_come_from_clone3_with_CLONE_THREAD_and_end_with_exit()
    {
        var trace = Load("threads.trace");
        var process = Assert.Single(trace.Processes);
        var threads = trace.Tasks.Where(t => t.IsThread).ToList();
        Assert.Equal(3, threads.Count);
        Assert.All(threads, t =>
        {
            Assert.Equal(process.Tid, t.Tgid);
            Assert.Equal(StraceCreation.Clone3, t.Creation);
            Assert.NotEqual(0UL, t.CloneFlags & 0x10000);        // CLONE_THREAD
            Assert.NotEqual(0UL, t.CloneFlags & 0x100);          // CLONE_VM
            Assert.Equal(0UL, t.CloneFlags & 0xff);              // no exit signal: nobody gets SIGCHLD
            Assert.Equal(0, t.ExitCode);
            Assert.Null(t.ReapedBy);                             // threads are not waited for
            Assert.Equal(process.ParentPid, t.ParentPid);        // a thread shares its process's parent
        });
        Assert.Equal(threads, process.Children);
        Assert.Equal(3, trace.Calls.Count(c => c.Name == "exit" && threads.Any(t => t.Tid == c.Pid)));
        Assert.Contains(trace.Calls, c => c.Name == "exit_group" && c.Pid == process.Tid);
    }

    [Fact]
    public void Posix_spawn_is_clone3_vm_vfork_and_a_failed_exec_exits_127()
    {
        var trace = Load("posix-spawn.trace");
        var spawner = trace.Root;
        Assert.Equal(2, spawner.Children.Count);
        Assert.All(spawner.Children, c =>
        {
            Assert.Equal(StraceCreation.Clone3, c.Creation);
            Assert.Equal(0x100UL | 0x4000 | 17, c.CloneFlags);   // CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD
            Assert.Equal(spawner.Tid, c.ReapedBy);
        });
        var ok = spawner.Children[0];
        Assert.Equal("/bin/true", ok.Program);
        Assert.Equal(0, ok.ExitCode);
        var failed = spawner.Children[1];
        var exec = Assert.Single(failed.Execs);
        Assert.Equal("/nonexistent", exec.Path);
        Assert.Equal("ENOENT", exec.ErrnoName);
        Assert.Equal(127, failed.ExitCode);
        Assert.Equal(127 << 8, failed.WaitStatus);
    }

    [Fact]
    public void Vfork_fork_and_sigkill_statuses()
    {
        var trace = Load("vfork.trace");
        var kids = trace.Root.Children;
        Assert.Equal([StraceCreation.Vfork, StraceCreation.Clone, StraceCreation.Clone], kids.Select(k => k.Creation));
        Assert.Equal("/bin/echo", kids[0].Program);
        Assert.Equal(0x0300, kids[1].WaitStatus);                // _exit(3)
        Assert.Equal("SIGKILL", kids[2].KilledBy);
        Assert.Equal(9, kids[2].WaitStatus);                     // killed: signal number in the low 7 bits
        Assert.All(kids, k => Assert.Equal(trace.Root.Tid, k.ReapedBy));
    }

    [Fact]
    public void Killed_job_status_and_sigchld()
    {
        var trace = Load("killed.trace");
        var job = Assert.Single(trace.Root.Children);
        Assert.Equal("SIGTERM", job.KilledBy);
        Assert.Equal(15, job.WaitStatus);
        Assert.Equal(trace.Root.Tid, job.ReapedBy);
        var sigchld = trace.Records.OfType<StraceSignal>().Single(s => s.Signal == "SIGCHLD");
        Assert.Equal(trace.Root.Tid, sigchld.Pid);
        Assert.Contains($"si_pid={job.Tid}", sigchld.Details);
    }

    [Fact]
    public void Subshell_is_a_fork_without_exec_and_background_job_is_waited_for()
    {
        var sub = Load("subshell.trace");
        var child = Assert.Single(sub.Root.Children);
        Assert.Empty(child.Execs);
        Assert.Equal("/usr/bin/bash", child.Program);          // inherited: the subshell is still bash
        Assert.Equal(0, child.ExitCode);

        var bg = Load("background.trace");
        var sleep = Assert.Single(bg.Root.Children);
        Assert.Equal("sleep", Exe(sleep));
        Assert.Equal(bg.Root.Tid, sleep.ReapedBy);
    }

    [Fact]
    public void Split_calls_are_joined_with_their_start()
    {
        var trace = Load("pipeline.trace");
        var wait = trace.Calls.First(c => c.Name == "wait4");
        Assert.True(wait.StartLine < wait.LineNumber);
        Assert.True(wait.StartTime < wait.Time);
        Assert.StartsWith("-1, [{WIFEXITED(s)", wait.Arguments);
    }

    [Fact]
    public void Execve_by_a_thread_continues_under_the_leaders_pid()
    {
        var trace = Load("thread-exec.trace");
        var process = Assert.Single(trace.Processes);
        var thread = Assert.Single(trace.Tasks, t => t.IsThread);
        Assert.Equal("/bin/true", process.Program);             // the execve resumed under the leader's pid
        var exec = process.Execs.Last();
        Assert.True(exec.Succeeded);
        var call = trace.Calls.Single(c => c.Name == "execve" && c.Arguments.Contains("/bin/true"));
        Assert.Equal(process.Tid, call.Pid);
        Assert.True(call.StartLine < call.LineNumber);          // began in the thread, resumed as the leader
        Assert.Equal(0, process.ExitCode);
        Assert.Null(thread.ExitCode);
        var superseded = trace.Records.OfType<StraceExit>().Single(e => e.SupersededBy is not null);
        Assert.Equal((process.Tid, thread.Tid), (superseded.Pid, superseded.SupersededBy!.Value));
    }
}
