using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Programs;

/// <summary>
/// One program on its own fresh machine: what a notebook cell needs to run student text. Everything comes back
/// as values — text that does not compile gives a session whose <see cref="Run"/> reports the diagnostics
/// (line, column, caret) instead of throwing, so a typo never shows a stack trace.
/// </summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class ProgramSession
{
    private ProgramSession(ProgramCompilation compilation, Machine machine, Scheduler scheduler, Pid? pid)
    {
        Compilation = compilation;
        Machine = machine;
        Scheduler = scheduler;
        Pid = pid;
    }

    /// <summary>Boots a machine, compiles <paramref name="source"/> and, if it compiles, starts it as /home/student/NAME.</summary>
    public static ProgramSession Create(string source, SchedulingPolicy? policy = null, MachineOptions? options = null, string name = "prog")
    {
        ArgumentNullException.ThrowIfNull(source);
        var machine = Machine.Boot(options);
        var scheduler = new Scheduler(machine, policy);
        var compilation = Program.TryCompile(source, name);
        var pid = compilation.Program is { } program ? scheduler.Start(program) : (Pid?)null;
        return new ProgramSession(compilation, machine, scheduler, pid);
    }

    /// <summary>The compiled program or the diagnostics.</summary>
    public ProgramCompilation Compilation { get; }

    /// <summary>The machine the program runs on (booted even when the text did not compile).</summary>
    public Machine Machine { get; }

    /// <summary>The scheduler that steps the program's threads.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>The PID of the started program (null when the text did not compile).</summary>
    public Pid? Pid { get; }

    /// <summary>Runs to the end (or deadlock, or the step limit); a compile error is reported as <see cref="RunStatus.CompileError"/>.</summary>
    public RunResult Run(long maxSteps = 100_000) =>
        Compilation.Success
            ? Scheduler.Run(maxSteps)
            : new RunResult(RunStatus.CompileError, 0, "", "the program does not compile:\n" + string.Join("\n", Compilation.Diagnostics));

    /// <summary>One instruction of the thread the policy picks; null when nothing can run (or the text did not compile).</summary>
    public StepReport? Step() => Compilation.Success ? Scheduler.Step() : null;

    /// <summary>The listing with a marker at each live thread's PC (empty when the text did not compile).</summary>
    public ProgramListing? Listing() => Compilation.Program is { } program ? Scheduler.Listing(program) : null;

    /// <summary>An immutable picture of the run now: threads, listing, output.</summary>
    public SchedulerSnapshot Snapshot() => Scheduler.Snapshot();

    /// <summary>Everything printed so far.</summary>
    public string Output => Scheduler.Printed;

    /// <summary>The diagnostics, or the listing with PCs and the output so far.</summary>
    public override string ToString() =>
        Compilation.Success ? $"{Listing()}\n--- output ---\n{Output}" : Compilation.ToString();
}

/// <summary>
/// An immutable picture of a scheduler's programs at one logical time: every live program thread with its PC
/// and variables, the listing of each program with the threads' markers, and the output so far. Views draw it.
/// </summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record SchedulerSnapshot(long Time, long Steps, string Policy, Pid? Current,
    ValueList<ProgramThreadSnapshot> Threads, ValueList<ProgramListing> Listings, string Output)
{
    /// <summary>Each listing, then the output.</summary>
    public override string ToString() =>
        $"t={Time}, {Steps} steps, {Policy}\n" + string.Join("\n\n", Listings.Select(l => $"{l.Program.Name}:\n{l}")) + $"\n--- output ---\n{Output}";
}
