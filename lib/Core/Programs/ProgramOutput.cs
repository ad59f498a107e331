using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>
/// The one place where a program's print/printf text goes. The default writes straight to the terminal
/// (a ProgramOutput event) like an unbuffered stream; the files issue plugs in a stdio buffer per process
/// (copied by fork, flushed by exit and fflush, lost by _exit), which is what makes the
/// "printf before fork prints twice into a pipe" puzzle come out right.
/// </summary>
public interface IProgramOutput
{
    /// <summary>printf/print by thread <paramref name="tid"/>: append <paramref name="text"/> to its stdout.</summary>
    void Write(Machine machine, Pid tid, string text);

    /// <summary>fflush(stdout), and what exit() (and return from main) does before exit_group; _exit does not call it.</summary>
    void Flush(Machine machine, Pid tid);
}

/// <summary>Unbuffered output: each print is written to the terminal at once, as a ProgramOutput event.</summary>
public sealed class UnbufferedOutput : IProgramOutput
{
    /// <summary>The shared instance (it has no state).</summary>
    public static UnbufferedOutput Instance { get; } = new();

    /// <inheritdoc/>
    public void Write(Machine machine, Pid tid, string text) => machine.RecordOutput(tid, text);

    /// <inheritdoc/>
    public void Flush(Machine machine, Pid tid)
    {
    }
}
