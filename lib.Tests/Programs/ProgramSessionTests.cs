using CourseKit.Kernel;
using CourseKit.Programs;

namespace CourseKit.Tests.Programs;

public class ProgramSessionTests
{
    [Fact]
    public void Bad_text_is_a_compile_error_value_never_an_exception()
    {
        var session = ProgramSession.Create("pid = fork(\nprint(pid)");
        var result = session.Run();
        Assert.Equal(RunStatus.CompileError, result.Status);
        Assert.Contains("line 2, column 1", result.Message);
        Assert.Contains("^", result.Message);
        Assert.Null(session.Pid);
        Assert.Null(session.Step());
        Assert.Null(session.Listing());
        Assert.Contains("line 2, column 1", session.ToString());
    }

    [Fact]
    public void Enumeration_of_bad_text_reports_the_problem()
    {
        var result = OutputOrders.Enumerate("prnt(\"x\")");
        Assert.NotNull(result.Problem);
        Assert.Contains("unknown function 'prnt' (did you mean print?)", result.ToString());
        Assert.Empty(result.Outputs);
    }

    [Fact]
    public void Enumeration_from_text_runs_each_interleaving_on_a_fresh_machine()
    {
        var result = OutputOrders.Enumerate("pid = fork()\nif (pid == 0) print(\"child\") else print(\"parent\")");
        Assert.True(result.Complete);
        Assert.Equal(2, result.Outputs.Count);
        Assert.Contains("2 possible outputs", result.ToString());
    }

    [Fact]
    public void Snapshot_is_immutable_and_shows_every_threads_pc()
    {
        var session = ProgramSession.Create("pid = fork()\nprint(pid)");
        session.Step();
        var before = session.Snapshot();
        session.Run();
        var after = session.Snapshot();
        Assert.Equal(2, before.Threads.Count);
        Assert.All(before.Threads, t => Assert.Equal(1, t.Pc));
        Assert.Single(before.Listings);
        Assert.Contains("<- pid", before.Listings[0].ToString());
        Assert.Empty(after.Threads);
        Assert.Equal("", before.Output);
        Assert.Equal(2, after.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Runtime_failures_are_values_errno_and_signals_not_exceptions()
    {
        var session = ProgramSession.Create("""
            r = clone(CLONE_THREAD)
            print(r, errno == EINVAL)
            r = kill(99999, SIGTERM)
            print(r, errno == ESRCH)
            r = waitpid(12345)
            print(r, errno == ECHILD)
            x = mem[0]
            print("not reached")
            """);
        var result = session.Run();
        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("-1 1\n-1 1\n-1 1\n", result.Output);
        var exit = session.Machine.Events.OfType<CourseKit.Tracing.ProcessExited>().Single(e => e.Pid == session.Pid);
        Assert.Equal(Signal.SIGSEGV, exit.Status.TermSignal);
    }

    [Fact]
    public void Step_report_reads_like_a_trace()
    {
        var session = ProgramSession.Create("pid = fork()");
        var step = session.Step()!;
        Assert.Equal(StepKind.Ran, step.Kind);
        Assert.Contains("pid = fork()", step.ToString());
        Assert.Contains($"→ {session.Pid!.Value.Value + 1}", step.ToString());
    }
}
