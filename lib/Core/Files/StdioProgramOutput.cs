using CourseKit.Kernel;
using CourseKit.Programs;

namespace CourseKit.Files;

/// <summary>
/// Plugs <see cref="Stdio"/> into the program interpreter: print and printf go into the process's stdout buffer
/// and fflush/exit write it to fd 1 (<c>scheduler.Output = new StdioProgramOutput(stdio)</c>). Without it programs
/// print unbuffered straight to the screen.
/// </summary>
public sealed class StdioProgramOutput(Stdio stdio) : IProgramOutput
{
    /// <summary>The C library the programs use.</summary>
    public Stdio Stdio { get; } = stdio ?? throw new ArgumentNullException(nameof(stdio));

    /// <inheritdoc/>
    public void Write(Machine machine, Pid tid, string text) => Stdio.Printf(tid, text);

    /// <inheritdoc/>
    public void Flush(Machine machine, Pid tid) => Stdio.Fflush(tid);
}
