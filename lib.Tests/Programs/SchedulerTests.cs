using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Tests.Programs;

public class SchedulerTests
{
    private const string Chatty = """
        pid = fork()
        if (pid == 0) {
            print("child 1"); print("child 2"); print("child 3")
        } else {
            print("parent 1"); print("parent 2"); print("parent 3")
        }
        """;

    [Fact]
    public void Deadlock_detection_names_every_blocked_thread_and_what_it_waits_for()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) {
                pause()
            }
            wait()
            """);
        var result = run.Run();
        Assert.Equal(RunStatus.Deadlock, result.Status);
        Assert.Contains("deadlock", result.Message);
        Assert.Contains($"{run.Pid} at", result.Message);
        Assert.Contains("wait4", result.Message);
        Assert.Contains("pause", result.Message);
        Assert.Contains("line 5", result.Message);
        Assert.Null(run.Scheduler.Step());
    }

    [Fact]
    public void Step_limit_stops_an_endless_loop_with_a_message()
    {
        var run = new ProgramRunner("while (1) { x = x + 1 }");
        var result = run.Run(maxSteps: 500);
        Assert.Equal(RunStatus.StepLimit, result.Status);
        Assert.Equal(500, result.Steps);
        Assert.Contains("endless loop", result.Message);
    }

    [Fact]
    public void Seeded_interleavings_are_reproducible_same_seed_same_output_and_events()
    {
        var first = new ProgramRunner(Chatty, SchedulingPolicy.Random(7));
        var second = new ProgramRunner(Chatty, SchedulingPolicy.Random(7));
        Assert.Equal(first.Run().Output, second.Run().Output);
        Assert.Equal(first.Machine.Events.Select(e => e.ToString()), second.Machine.Events.Select(e => e.ToString()));
    }

    [Fact]
    public void Seeded_interleavings_different_seeds_show_several_legal_orders()
    {
        var outputs = Enumerable.Range(0, 30).Select(seed => new ProgramRunner(Chatty, SchedulingPolicy.Random(seed)).Run().Output).ToHashSet();
        Assert.True(outputs.Count >= 3, $"only {outputs.Count} distinct outputs over 30 seeds");
        foreach (var output in outputs)
        {
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(6, lines.Length);
            Assert.Equal(["child 1", "child 2", "child 3"], lines.Where(l => l.StartsWith("child")));
            Assert.Equal(["parent 1", "parent 2", "parent 3"], lines.Where(l => l.StartsWith("parent")));
        }
    }

    [Fact]
    public void Round_robin_time_slice_interleaves_long_runs()
    {
        var run = new ProgramRunner(Chatty, SchedulingPolicy.RoundRobin(quantum: 1));
        var lines = run.Lines(run.Run());
        Assert.NotEqual(["parent 1", "parent 2", "parent 3", "child 1", "child 2", "child 3"], lines);
    }

    [Fact]
    public void Scheduled_and_output_events_are_recorded_for_timelines()
    {
        var run = new ProgramRunner(Chatty);
        run.Run();
        var scheduled = run.Machine.Events.OfType<Scheduled>().Select(s => s.Pid).ToList();
        Assert.Equal(run.Pid, scheduled[0]);
        Assert.Equal(2, scheduled.Distinct().Count());
        var outputs = run.Machine.Events.OfType<ProgramOutput>().ToList();
        Assert.Equal(6, outputs.Count);
        Assert.All(outputs.Where(o => o.Text.StartsWith("parent")), o => Assert.Equal(run.Pid, o.Pid));
    }

    [Fact]
    public void Sleep_uses_logical_time_and_the_clock_jumps_when_everyone_sleeps()
    {
        var run = new ProgramRunner("""
            pid = fork()
            if (pid == 0) { sleep(100); print("late"); exit(0) }
            print("early")
            wait()
            """);
        var result = run.Run();
        Assert.Equal("early\nlate\n", result.Output);
        Assert.True(run.Machine.Clock >= 100);
        Assert.True(result.Steps < 100, "sleeping is not busy waiting");
    }

    [Fact]
    public void Single_stepping_a_chosen_thread_and_refusing_a_blocked_one()
    {
        var run = new ProgramRunner("pid = fork()\nif (pid != 0) wait()\nprint(\"x\")");
        var fork = run.Scheduler.Step(run.Pid);
        Assert.Equal(StepKind.Ran, fork.Kind);
        run.Scheduler.Step(run.Pid); // branch
        var wait = run.Scheduler.Step(run.Pid);
        Assert.Equal(StepKind.Blocked, wait.Kind);
        var error = Assert.Throws<ArgumentException>(() => run.Scheduler.Step(run.Pid));
        Assert.Contains("not runnable", error.Message);
        Assert.Contains("wait4", error.Message);
    }

    [Fact]
    public void Output_hook_can_be_replaced_and_exit_flushes_but__exit_does_not()
    {
        var run = new ProgramRunner("pid = fork()\nif (pid == 0) { print(\"a\"); _exit(0) }\nwait()\nprint(\"b\")");
        var buffer = new RecordingOutput();
        run.Scheduler.Output = buffer;
        run.Run();
        Assert.Equal(["write a\n", "write b\n", "flush"], buffer.Calls.Select(c => c.Text));
    }

    private sealed class RecordingOutput : IProgramOutput
    {
        public List<(Pid Tid, string Text)> Calls { get; } = [];

        public void Write(Machine machine, Pid tid, string text) => Calls.Add((tid, "write " + text));

        public void Flush(Machine machine, Pid tid) => Calls.Add((tid, "flush"));
    }
}
