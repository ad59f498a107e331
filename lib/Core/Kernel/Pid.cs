namespace CourseKit.Kernel;

/// <summary>
/// A process or thread identifier (Linux's <c>pid_t</c>).
/// </summary>
/// <remarks>
/// Linux uses one number space for processes and threads: a thread's TID comes from the same allocator,
/// and the main thread's TID equals the process's PID (its thread-group ID, TGID). So one type serves both.
/// PIDs are positive; 0 only appears as the value <c>fork()</c> returns in the child and as the
/// "no child changed state" answer of <c>waitpid(..., WNOHANG)</c>.
/// </remarks>
public readonly record struct Pid(int Value) : IComparable<Pid>
{
    /// <summary>PID 1, init: the ancestor of every process and the reaper of orphans.</summary>
    public static Pid Init => new(1);

    /// <summary>The value 0: what fork returns in the child, what WNOHANG returns when nothing happened.</summary>
    public static Pid Zero => new(0);

    /// <inheritdoc/>
    public int CompareTo(Pid other) => Value.CompareTo(other.Value);

    /// <summary>"pid 42", as a student reads it in a message.</summary>
    public override string ToString() => $"pid {Value}";

    /// <summary>Lets lessons write <c>m.Process(42)</c>; a PID is just a number to a student.</summary>
    public static implicit operator Pid(int value) => new(value);
}
