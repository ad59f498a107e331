using CourseKit.Files;
using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Shell;
using CourseKit.Tracing;
using static CourseKit.Tests.Files.FileTestMachines;

namespace CourseKit.Tests.Shell;

public class MiniShellTests
{
    private static MiniShell NewShell(ShellOptions? options = null, FileSystemOptions? files = null) =>
        MiniShell.Start(Machine.Boot(), options, files);

    private static ShellResult RunOk(MiniShell sh, string line)
    {
        var r = sh.Run(line);
        Assert.True(r.Outcome == ShellOutcome.Completed, r.ToString());
        AssertConsistent(sh.Files);
        return r;
    }

    private static List<string> Calls(MiniShell sh, Pid pid, long since = 0) =>
        [.. sh.Machine.Events.OfType<SyscallEvent>().Where(e => e.Pid == pid && e.Time >= since).Select(e => $"{e.Name}({e.Args}) = {e.Result}")];

    [Fact]
    public void A_simple_command_is_forked_and_execed_and_the_shell_waits_for_it()
    {
        var sh = NewShell();
        var r = RunOk(sh, "echo hello   world");
        Assert.Equal("hello world\n", r.Output);
        Assert.Equal(0, r.Status);
        var shellCalls = Calls(sh, sh.Pid, r.StartTime);
        int fork = shellCalls.FindIndex(c => c.StartsWith("fork(", StringComparison.Ordinal));
        int wait = shellCalls.FindIndex(c => c.StartsWith("wait4(", StringComparison.Ordinal));
        Assert.True(fork >= 0 && wait > fork, string.Join("\n", shellCalls));
        var child = sh.Machine.Events.OfType<ProcessExeced>().Last(e => e.Path == "/bin/echo").Pid;
        Assert.Contains(Calls(sh, child), c => c.StartsWith("write(1, \"hello world\\n\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Ls_piped_into_wc_l_counts_the_directory_entries()
    {
        var sh = NewShell();
        foreach (var name in new[] { "a", "b", "c", "d", "e" }) sh.Files.CreateFile($"/tmp/demo/{name}.txt", name);
        Assert.Equal("5\n", RunOk(sh, "ls /tmp/demo | wc -l").Output);
        Assert.Equal("3\n", RunOk(sh, "ls | wc -l").Output); // /home/student: a.out, notes.txt, script
        Assert.Equal("a.txt  b.txt  c.txt  d.txt  e.txt\n", RunOk(sh, "ls /tmp/demo").Output);
    }

    [Fact]
    public void A_pipeline_uses_the_real_pipe_fork_dup2_close_exec_wait_sequence()
    {
        var sh = NewShell();
        var r = RunOk(sh, "ls | wc -l");
        Assert.Equal(
        [
            "pipe2([3, 4], 0) = 0", "fork() = 3", "close(4) = 0", "fork() = 4", "close(3) = 0",
        ], Calls(sh, sh.Pid, r.StartTime).Take(5));
        Assert.Equal(2, Calls(sh, sh.Pid, r.StartTime).Count(c => c.StartsWith("wait4(", StringComparison.Ordinal) && !c.EndsWith("<blocked>", StringComparison.Ordinal)));
        var ls = new Pid(3);
        var wc = new Pid(4);
        Assert.Equal(["dup2(4, 1) = 1", "close(4) = 0", "close(3) = 0"], Calls(sh, ls, r.StartTime).Take(3));
        Assert.StartsWith("execve(\"/bin/ls\"", Calls(sh, ls, r.StartTime)[3], StringComparison.Ordinal);
        Assert.Equal(["dup2(3, 0) = 0", "close(3) = 0"], Calls(sh, wc, r.StartTime).Take(2));
        Assert.StartsWith("execve(\"/bin/wc\"", Calls(sh, wc, r.StartTime)[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_three_stage_pipeline_passes_data_through_every_stage()
    {
        var sh = NewShell();
        sh.Files.CreateFile("/tmp/words", "one two\nthree\n");
        Assert.Equal("      2       3      14\n", RunOk(sh, "cat /tmp/words | cat | wc").Output);
        Assert.Equal(0, sh.Files.PipeCount);
    }

    [Fact]
    public void Dollar_question_mark_is_the_status_of_the_last_foreground_command()
    {
        var sh = NewShell();
        Assert.Equal("1\n", RunOk(sh, "false; echo $?").Output);
        Assert.Equal("0\n", RunOk(sh, "true; echo $?").Output);
        Assert.Equal("$?\n", RunOk(sh, "false; echo '$?'").Output);
        Assert.Equal(1, RunOk(sh, "true | false").Status);
    }

    [Fact]
    public void An_unknown_command_is_reported_by_the_child_which_exits_127()
    {
        var sh = NewShell();
        var r = RunOk(sh, "nosuchcmd arg");
        Assert.Equal("sh: nosuchcmd: command not found\n", r.Output);
        Assert.Equal(127, r.Status);
        Assert.Contains(sh.Machine.Events.OfType<SyscallEvent>(), e => e.Name == "execve" && e.Args.StartsWith("\"/usr/bin/nosuchcmd\"", StringComparison.Ordinal) && e.Errno == Errno.ENOENT);
    }

    [Fact]
    public void A_file_without_execute_permission_gives_126()
    {
        var sh = NewShell();
        var r = RunOk(sh, "./notes.txt");
        Assert.Equal("sh: ./notes.txt: Permission denied\n", r.Output);
        Assert.Equal(126, r.Status);
    }

    [Theory]
    [InlineData("| wc", "sh: syntax error near unexpected token `|'\n")]
    [InlineData("ls |", "sh: syntax error: a command must follow `|'\n")]
    [InlineData("echo 'open", "sh: unexpected end of line while looking for the matching `''\n")]
    [InlineData("ls ; ; ls", "sh: syntax error near unexpected token `;'\n")]
    [InlineData("true && true", "sh: `&&' is not supported by this mini shell (use ; and check $?)\n")]
    [InlineData("echo >", "sh: syntax error near unexpected token `newline'\n")]
    public void A_syntax_error_is_a_message_and_status_2_and_nothing_runs(string line, string message)
    {
        var sh = NewShell();
        int processes = sh.Machine.Processes.Count;
        var r = RunOk(sh, line);
        Assert.Equal(message, r.Output);
        Assert.Equal(2, r.Status);
        Assert.Equal(processes, sh.Machine.Processes.Count);
        Assert.DoesNotContain(sh.Machine.Events.OfType<ProcessCreated>(), e => e.Time >= r.StartTime);
    }

    [Fact]
    public void Redirections_open_the_file_in_the_child_and_dup2_it_onto_0_or_1()
    {
        var sh = NewShell();
        RunOk(sh, "echo first > /tmp/out; echo second >> /tmp/out");
        Assert.Equal("first\nsecond\n", sh.Files.ReadFile("/tmp/out"));
        Assert.Equal("2\n", RunOk(sh, "wc -l < /tmp/out").Output);
        var missing = RunOk(sh, "cat < /tmp/missing");
        Assert.Equal("sh: /tmp/missing: No such file or directory\n", missing.Output);
        Assert.Equal(1, missing.Status);
    }

    [Fact]
    public void Cat_of_a_missing_file_complains_on_stderr_and_exits_1()
    {
        var sh = NewShell();
        var r = RunOk(sh, "cat /nope");
        Assert.Equal("cat: /nope: No such file or directory\n", r.Output);
        Assert.Equal(1, r.Status);
    }

    [Fact]
    public void A_foreground_command_blocks_the_shell_in_wait4_until_it_exits()
    {
        var sh = NewShell();
        var r = RunOk(sh, "sleep 1");
        var sleeper = sh.Machine.Events.OfType<ProcessExeced>().Last(e => e.Path == "/bin/sleep").Pid;
        var shellBlocked = sh.Machine.Events.OfType<ThreadStateChanged>().First(e => e.Pid == sh.Pid && e.Time >= r.StartTime && e.To == SimThreadState.Blocked);
        var sleepExit = sh.Machine.Events.OfType<ProcessExited>().Single(e => e.Pid == sleeper);
        Assert.Contains("wait4", shellBlocked.Reason);
        Assert.True(shellBlocked.Time < sleepExit.Time);
        Assert.True(r.EndTime - r.StartTime >= sh.Options.TicksPerSecond);
    }

    [Fact]
    public void A_background_command_lets_the_shell_go_on_and_wait_collects_it()
    {
        var sh = NewShell();
        var started = RunOk(sh, "sleep 2 &");
        var sleeper = sh.Machine.Events.OfType<ProcessExeced>().Last(e => e.Path == "/bin/sleep").Pid;
        Assert.Equal($"[1] {sleeper.Value}\n", started.Output);
        Assert.True(started.EndTime - started.StartTime < sh.Options.TicksPerSecond);
        Assert.Equal("hi\n", RunOk(sh, "echo hi").Output);
        Assert.Null(sh.Machine.Process(sleeper)!.ExitStatus); // still sleeping while the shell ran echo
        Assert.Equal("[1]+  Running                 sleep 2 &\n", RunOk(sh, "jobs").Output);
        RunOk(sh, "wait");
        Assert.Null(sh.Machine.Process(sleeper));
        Assert.Equal("", RunOk(sh, "jobs").Output);
        Assert.True(sh.Machine.Clock - started.StartTime >= 2 * sh.Options.TicksPerSecond);
    }

    [Fact]
    public void A_finished_background_job_is_announced_before_the_next_prompt()
    {
        var sh = NewShell();
        RunOk(sh, "true &");
        Assert.Equal("[1]+  Done                    true\n", RunOk(sh, "sleep 1").Output);
        Assert.Empty(sh.Jobs);
    }

    [Fact]
    public void Yes_into_a_reader_that_exits_is_killed_by_SIGPIPE()
    {
        var sh = NewShell();
        var r = RunOk(sh, "yes | true");
        Assert.Equal(0, r.Status);
        var yes = sh.Machine.Events.OfType<ProcessExeced>().Single(e => e.Path == "/bin/yes").Pid;
        var status = sh.Machine.Events.OfType<ProcessExited>().Single(e => e.Pid == yes).Status;
        Assert.Equal(13, WaitStatus.WTERMSIG(status.Raw));
    }

    [Fact]
    public void The_shell_that_forgets_to_close_the_write_end_hangs_and_the_deadlock_names_the_pipe()
    {
        var sh = NewShell(new ShellOptions { ForgetToCloseWriteEnd = true });
        var r = sh.Run("ls | wc -l");
        Assert.Equal(ShellOutcome.Deadlock, r.Outcome);
        Assert.Contains("deadlock", r.Message);
        Assert.Contains($"{sh.Pid} (sh): wait4", r.Message);
        Assert.Contains("(wc): read from pipe:[1]", r.Message);
        Assert.Contains($"its write end is still open in {sh.Pid} (sh) as fd 4", r.Message);
        Assert.Equal("", r.Output);
        AssertConsistent(sh.Files);
        AssertNothingLeaksAfterEveryoneExits(sh.Machine, sh.Files);
    }

    [Fact]
    public void The_correct_shell_runs_the_same_pipeline_to_the_end()
    {
        var sh = NewShell(new ShellOptions { ForgetToCloseWriteEnd = false });
        Assert.Equal("3\n", RunOk(sh, "ls | wc -l").Output);
    }

    [Fact]
    public void Exit_ends_the_shell_with_its_status_and_later_lines_are_refused()
    {
        var sh = NewShell();
        var r = sh.Run("exit 3");
        Assert.Equal(ShellOutcome.ShellExited, r.Outcome);
        Assert.True(sh.HasExited);
        Assert.Equal(3, WaitStatus.WEXITSTATUS(sh.Machine.Events.OfType<ProcessExited>().Single(e => e.Pid == sh.Pid).Status.Raw));
        Assert.Equal(ShellOutcome.ShellExited, sh.Run("echo hi").Outcome);
        AssertNothingLeaksAfterEveryoneExits(sh.Machine, sh.Files);
    }

    [Fact]
    public void The_fork_printf_loop_prints_14_lines_on_the_terminal_and_24_through_a_pipe()
    {
        var sh = NewShell();
        sh.Install(Program.Compile("for (i = 0; i < 3; i++) { fork(); printf(\"hello\\n\"); }", "hello"));
        var terminal = RunOk(sh, "./hello");
        var later = sh.Idle(); // the orphaned grandchildren print after the prompt is back
        Assert.Equal(ShellOutcome.Completed, later.Outcome);
        Assert.Equal(14, (terminal.Output + later.Output).Split('\n').Count(l => l == "hello"));
        Assert.Equal("24\n", RunOk(sh, "./hello | wc -l").Output);
    }

    [Fact]
    public void A_program_whose_buffered_output_is_larger_than_the_pipe_sleeps_at_exit_until_the_reader_drains_it()
    {
        var sh = NewShell(files: new FileSystemOptions { PipeCapacity = 64, PipeBuf = 16 });
        sh.Install(Program.Compile("for (i = 0; i < 100; i++) printf(\"123456789\\n\")\nexit(0)", "big"));
        Assert.Equal("1000\n", RunOk(sh, "./big | wc -c").Output);
        Assert.Contains(sh.Machine.Events.OfType<SyscallEvent>(), e => e.Name == "write" && e.Result == "? <blocked>");
    }

    [Fact]
    public void A_fork_that_hits_the_process_limit_is_reported_and_leaves_no_fd_or_pipe_behind()
    {
        var sh = MiniShell.Start(Machine.Boot(new MachineOptions { MaxProcessesPerUser = 2 }));
        var r = sh.Run("ls | wc -l");
        Assert.Equal(ShellOutcome.Completed, r.Outcome);
        Assert.Contains("sh: fork: fork() by", r.Output);
        Assert.Contains("EAGAIN", r.Output);
        Assert.Equal(0, sh.Files.PipeCount);
        Assert.Equal([0, 1, 2], sh.Files.Snapshot(sh.Pid)!.Fds.Select(f => f.Fd.Value));
        AssertConsistent(sh.Files);
    }

    [Fact]
    public void Every_switch_between_processes_is_a_Scheduled_event()
    {
        var sh = NewShell();
        var r = RunOk(sh, "ls | wc -l");
        var order = sh.Machine.Events.OfType<Scheduled>().Where(e => e.Time >= r.StartTime).Select(e => e.Pid.Value).ToList();
        Assert.Contains(3, order);
        Assert.Contains(4, order);
        Assert.Contains(sh.Pid.Value, order);
        Assert.Contains(sh.Machine.Events.OfType<JobStarted>(), j => j.Command == "ls | wc -l" && j.Processes.Count == 2);
    }

    [Fact]
    public void After_a_session_every_fd_and_pipe_is_released()
    {
        var sh = NewShell();
        sh.Files.CreateFile("/tmp/f", "x\ny\n");
        foreach (var line in new[] { "cat /tmp/f | wc -l", "yes | cat | true", "nosuch | wc", "sleep 1 &", "ls /nope | cat", "wait" })
            RunOk(sh, line);
        Assert.Equal(0, sh.Files.PipeCount);
        sh.Run("exit");
        AssertNothingLeaksAfterEveryoneExits(sh.Machine, sh.Files);
    }
}

public class MiniShellInputTests
{
    [Fact]
    public void Ctrl_C_kills_the_foreground_job_with_SIGINT_and_the_shell_comes_back_with_130()
    {
        var sh = MiniShell.Start(Machine.Boot(), new ShellOptions { MaxStepsPerLine = 2000 });
        var endless = sh.Run("yes | cat | wc -c");
        Assert.Equal(ShellOutcome.StepLimit, endless.Outcome);
        var r = sh.Interrupt();
        Assert.Equal(ShellOutcome.Completed, r.Outcome);
        Assert.Equal(130, sh.LastStatus);
        Assert.Equal("hi\n", sh.Run("echo hi").Output);
        Assert.Equal(0, sh.Files.PipeCount);
        AssertConsistent(sh.Files);
    }

    [Fact]
    public void A_line_typed_while_the_previous_one_still_runs_is_read_when_the_shell_is_back_at_its_prompt()
    {
        var sh = MiniShell.Start(Machine.Boot(), new ShellOptions { MaxStepsPerLine = 8 });
        Assert.Equal(ShellOutcome.StepLimit, sh.Run("echo a; echo b; echo c").Outcome);
        var r = sh.Run("echo d");
        while (r.Outcome == ShellOutcome.StepLimit) r = sh.Run("");
        Assert.Equal(ShellOutcome.Completed, r.Outcome);
        Assert.Equal("a\nb\nc\nd\n", sh.Files.Terminal.Screen);
    }
}
