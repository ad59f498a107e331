using CourseKit.Tracing.Strace;

namespace CourseKit.Tests.Datasets;

public class StraceLineParserTests
{
    private static StraceLine Line(string text)
    {
        var (line, error) = StraceLineParser.Parse(1, text);
        Assert.Null(error);
        return Assert.IsAssignableFrom<StraceLine>(line);
    }

    [Fact]
    public void Complete_call_with_pid_prefix_and_epoch_timestamp()
    {
        var call = Assert.IsType<StraceCallLine>(Line(
            "5407  1795941065.869883 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f652cce7a10) = 5408"));
        Assert.Equal(5407, call.Pid);
        Assert.Equal(StraceTimestampKind.Epoch, call.TimestampKind);
        Assert.Equal(1795941065_869883L, call.Microseconds);
        Assert.Equal("clone", call.Name);
        Assert.Equal(5408, call.Result!.Value);
        Assert.False(call.IsUnfinished || call.IsResumed);
    }

    [Fact]
    public void Error_result_keeps_errno_name_and_text()
    {
        var call = Assert.IsType<StraceCallLine>(Line(
            "8285  1795941189.972239 execve(\"/nonexistent\", [\"/nonexistent\"], 0x7ffe3c809098 /* 43 vars */) = -1 ENOENT (No such file or directory)"));
        Assert.True(call.Result!.IsError);
        Assert.Equal(-1, call.Result.Value);
        Assert.Equal("ENOENT", call.Result.ErrnoName);
        Assert.Equal("No such file or directory", call.Result.Comment);
    }

    [Fact]
    public void Exit_group_returns_question_mark()
    {
        var call = Assert.IsType<StraceCallLine>(Line("8293  1795941189.990455 exit_group(3)   = ?"));
        Assert.True(call.Result!.NoReturn);
        Assert.Equal("3", call.Arguments);
    }

    [Fact]
    public void Unfinished_and_resumed_halves()
    {
        var start = Assert.IsType<StraceCallLine>(Line("5407  1795941065.872166 wait4(-1,  <unfinished ...>"));
        Assert.True(start.IsUnfinished);
        Assert.Null(start.Result);
        Assert.Equal("-1,", start.Arguments);
        var end = Assert.IsType<StraceCallLine>(Line("5407  1795941065.885664 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 5408"));
        Assert.True(end.IsResumed);
        Assert.Equal("wait4", end.Name);
        Assert.Equal(5408, end.Result!.Value);
    }

    [Fact]
    public void Stderr_form_with_bracketed_pid()
    {
        var call = Assert.IsType<StraceCallLine>(Line("[pid  8301] 1795941190.005603 execve(\"/usr/bin/ls\", [\"ls\", \"/tmp\"], 0x55d7e70041b0 /* 43 vars */) = 0"));
        Assert.Equal(8301, call.Pid);
    }

    [Theory]
    [InlineData("8221  08:33:09 exit_group(0) = ?", StraceTimestampKind.TimeOfDay, (8 * 3600 + 33 * 60 + 9) * 1_000_000L)]
    [InlineData("8221  08:33:09.000250 exit_group(0) = ?", StraceTimestampKind.TimeOfDay, (8 * 3600 + 33 * 60 + 9) * 1_000_000L + 250)]
    [InlineData("8237       0.004190 exit_group(0) = ?", StraceTimestampKind.Relative, 4190L)]
    [InlineData("8245  exit_group(0) = ?", StraceTimestampKind.None, 0L)]
    [InlineData("exit_group(0) = ?", StraceTimestampKind.None, 0L)]
    public void Timestamp_forms(string text, StraceTimestampKind kind, long micros)
    {
        var line = Line(text);
        Assert.Equal(kind, line.TimestampKind);
        Assert.Equal(micros, line.Microseconds);
    }

    [Fact]
    public void Exit_kill_and_signal_lines()
    {
        Assert.Equal(127, Assert.IsType<StraceExitLine>(Line("8285  1795941189.972559 +++ exited with 127 +++")).ExitCode);
        var killed = Assert.IsType<StraceExitLine>(Line("8294  1795941189.991116 +++ killed by SIGSEGV (core dumped) +++"));
        Assert.Equal("SIGSEGV", killed.KilledBy);
        Assert.True(killed.CoreDumped);
        var sig = Assert.IsType<StraceSignalLine>(Line(
            "8267  1795941189.930730 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=8268, si_uid=0, si_status=SIGTERM, si_utime=0, si_stime=0} ---"));
        Assert.Equal("SIGCHLD", sig.Signal);
        Assert.Contains("si_pid=8268", sig.Details);
    }

    [Fact]
    public void Parentheses_inside_strings_do_not_end_the_arguments()
    {
        var call = Assert.IsType<StraceCallLine>(Line("42 write(1, \"a) = 5 (\\\"x\\\"\", 13) = 13"));
        Assert.Equal("1, \"a) = 5 (\\\"x\\\"\", 13", call.Arguments);
        Assert.Equal(13, call.Result!.Value);
    }

    [Fact]
    public void Duration_suffix_of_dash_T_is_dropped()
    {
        var call = Assert.IsType<StraceCallLine>(Line("42 wait4(-1, NULL, 0, NULL) = 43 <0.001234>"));
        Assert.Equal(43, call.Result!.Value);
        Assert.Equal("43", call.Result.Text);
    }

    [Theory]
    [InlineData("hello world", "a system call 'name(arguments) = result'")]
    [InlineData("42 wait4(-1, NULL", "')' closing the arguments of wait4")]
    [InlineData("42 wait4(-1, NULL, 0, NULL) 43", "' = result' after the arguments of wait4")]
    [InlineData("42 wait4(-1, NULL, 0, NULL) = banana", "a result after 'wait4(...) = '")]
    [InlineData("42 +++ exited with lots +++", "'+++ exited with N +++'")]
    [InlineData("42 --- SIGCHLD ---", "'--- SIGNAME {siginfo} ---'")]
    [InlineData("42 25:00:00 exit_group(0) = ?", "a timestamp")]
    [InlineData("42 08:3\u0a6a:09 exit_group(0) = ?", "a system call")]        // a Gurmukhi digit is not a digit here
    [InlineData("4\u0663 exit_group(0) = ?", "a system call")]
    public void Malformed_lines_give_an_error_naming_what_was_expected(string text, string expected)
    {
        var (line, error) = StraceLineParser.Parse(7, text);
        Assert.Null(line);
        Assert.NotNull(error);
        Assert.Equal(7, error.LineNumber);
        Assert.Contains(expected, error.Expected);
        Assert.StartsWith("line 7: expected ", error.ToString());
    }

    [Fact]
    public void String_literals_and_arrays_decode_like_C()
    {
        Assert.Equal("a\tb\n\"q\"A\u0001", StraceArguments.DecodeString("\"a\\tb\\n\\\"q\\\"\\x41\\1\""));
        Assert.Equal("trunc", StraceArguments.DecodeString("\"trunc\"..."));
        Assert.Null(StraceArguments.DecodeString("NULL"));
        Assert.Equal(["bash", "-c", "sleep 5 & kill"], StraceArguments.DecodeStringArray("[\"bash\", \"-c\", \"sleep 5 & kill\"...]")!);
        Assert.Equal(["a", "b"], StraceArguments.DecodeStringArray("[\"a\", \"b\", ...]")!);
    }

    [Fact]
    public void Clone_flags_from_clone_and_clone3()
    {
        Assert.Equal(0x200000UL | 0x1000000 | 17, StraceNames.ParseCloneFlags("child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f"));
        Assert.Equal(0x100UL | 0x4000 | 17, StraceNames.ParseCloneFlags("{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, stack=0x7f51d3482000, stack_size=0x9000}, 88"));
        ulong thread = StraceNames.ParseCloneFlags("{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fe092482990, parent_tid=0x7fe092482990, exit_signal=0, stack=0x7fe091c82000}");
        Assert.Equal(0x10000UL, thread & 0x10000);
        Assert.Equal(0UL, thread & 0xff);
    }
}
