using CourseKit.Kernel;
using CourseKit.Programs;
using CourseKit.Tracing;

namespace CourseKit.Tests.Programs;

/// <summary>Boots a machine, starts a program on it and gives the pieces to a test.</summary>
internal sealed class ProgramRunner
{
    public ProgramRunner(string source, SchedulingPolicy? policy = null, MachineOptions? options = null)
    {
        Machine = Machine.Boot(options ?? new MachineOptions());
        Scheduler = new Scheduler(Machine, policy);
        Program = Program.Compile(source, "prog");
        Pid = Scheduler.Start(Program);
    }

    public Machine Machine { get; }
    public Scheduler Scheduler { get; }
    public Program Program { get; }
    public Pid Pid { get; }

    public RunResult Run(long maxSteps = 100_000) => Scheduler.Run(maxSteps);

    /// <summary>Processes the program created (forks, clones...), not counting the start by init.</summary>
    public int ProcessesCreatedByProgram =>
        Machine.Events.OfType<ProcessCreated>().Count(e => !e.IsThread && e.Pid != Pid.Init && e.Pid != Pid.Zero);

    public string[] Lines(RunResult result) => result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
