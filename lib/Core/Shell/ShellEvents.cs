using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Shell;

/// <summary>Settings of the mini shell.</summary>
public sealed record ShellOptions
{
    /// <summary>
    /// The classic pipeline bug: the shell forgets to close the pipe's write end in the parent after forking.
    /// The reader at the end of the pipeline then never sees end-of-file and the shell waits for it forever
    /// (the run ends with a deadlock report).
    /// </summary>
    public bool ForgetToCloseWriteEnd { get; init; }

    /// <summary>Logical ticks per second of <c>sleep</c> (the clock ticks once per system call).</summary>
    public int TicksPerSecond { get; init; } = 100;

    /// <summary>Directories searched for a command without a slash, in order ($PATH).</summary>
    public IReadOnlyList<string> Path { get; init; } = ["/bin", "/usr/bin"];

    /// <summary>Steps one command line may take before the run stops (an endless <c>yes</c> on the terminal...).</summary>
    public long MaxStepsPerLine { get; init; } = 100_000;
}

/// <summary>The shell read a command line.</summary>
public sealed record ShellLineRead(long Time, Pid Pid, string Line) : KernelEvent(Time, Pid);

/// <summary>The shell started a job (a pipeline): its number, processes, and whether it runs in the background.</summary>
public sealed record JobStarted(long Time, Pid Pid, int Job, ValueList<Pid> Processes, string Command, bool Background) : KernelEvent(Time, Pid);

/// <summary>The shell collected the last process of a job: the job is over with this status ($?).</summary>
public sealed record JobFinished(long Time, Pid Pid, int Job, int Status, bool Background) : KernelEvent(Time, Pid);
