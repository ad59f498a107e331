namespace CourseKit.Kernel;

/// <summary>
/// The status word wait(2) stores, encoded exactly as Linux does: a normal exit is <c>code &lt;&lt; 8</c>
/// (so <c>_exit(42)</c> gives 0x2a00), a death by signal is the signal number in the low 7 bits, plus 0x80
/// when a core was dumped.
/// </summary>
/// <remarks>
/// xv6 stores the raw exit code instead; lessons that decode statuses with the C macros must see the Linux
/// encoding, so the macros are here both as properties and as static functions taking the raw int.
/// </remarks>
public readonly record struct WaitStatus(int Raw)
{
    /// <summary>The status of a process that called exit(code); only the low 8 bits of the code survive.</summary>
    public static WaitStatus Exited(int code) => new((code & 0xff) << 8);

    /// <summary>The status of a process killed by a signal, with the core-dump bit when a core was written.</summary>
    public static WaitStatus Killed(Signal signal, bool coreDumped = false) =>
        new(((int)signal & 0x7f) | (coreDumped ? 0x80 : 0));

    /// <summary>WIFEXITED: the child ended by calling exit (low 7 bits are zero).</summary>
    public bool IfExited => WIFEXITED(Raw);
    /// <summary>WEXITSTATUS: the exit code (meaningful only when <see cref="IfExited"/>).</summary>
    public int ExitStatus => WEXITSTATUS(Raw);
    /// <summary>WIFSIGNALED: the child was killed by a signal.</summary>
    public bool IfSignaled => WIFSIGNALED(Raw);
    /// <summary>WTERMSIG: the signal that killed the child (meaningful only when <see cref="IfSignaled"/>).</summary>
    public Signal TermSignal => (Signal)WTERMSIG(Raw);
    /// <summary>WCOREDUMP: a core file was written.</summary>
    public bool CoreDumped => WCOREDUMP(Raw);

    /// <summary>The C macro WIFEXITED(s): <c>(s &amp; 0x7f) == 0</c>.</summary>
    public static bool WIFEXITED(int status) => (status & 0x7f) == 0;
    /// <summary>The C macro WEXITSTATUS(s): <c>(s &gt;&gt; 8) &amp; 0xff</c>.</summary>
    public static int WEXITSTATUS(int status) => (status >> 8) & 0xff;
    /// <summary>The C macro WIFSIGNALED(s): low 7 bits are a signal number (not 0, not 0x7f = stopped).</summary>
    public static bool WIFSIGNALED(int status) => ((sbyte)((status & 0x7f) + 1) >> 1) > 0;
    /// <summary>The C macro WTERMSIG(s): <c>s &amp; 0x7f</c>.</summary>
    public static int WTERMSIG(int status) => status & 0x7f;
    /// <summary>The C macro WCOREDUMP(s): <c>s &amp; 0x80</c>.</summary>
    public static bool WCOREDUMP(int status) => (status & 0x80) != 0;

    /// <summary>How strace prints a status: <c>[{WIFEXITED(s) &amp;&amp; WEXITSTATUS(s) == 3}]</c>.</summary>
    public string ToStraceString() => IfExited
        ? $"[{{WIFEXITED(s) && WEXITSTATUS(s) == {ExitStatus}}}]"
        : $"[{{WIFSIGNALED(s) && WTERMSIG(s) == {TermSignal}{(CoreDumped ? " && WCOREDUMP(s)" : "")}}}]";

    /// <summary>"exited with 3 (0x0300)" or "killed by SIGSEGV (0x000b)": words and the raw word.</summary>
    public override string ToString() => IfExited
        ? $"exited with {ExitStatus} (0x{Raw:x4})"
        : $"killed by {TermSignal}{(CoreDumped ? " (core dumped)" : "")} (0x{Raw:x4})";
}

/// <summary>Options of waitpid/wait4.</summary>
[Flags]
public enum WaitOptions
{
    /// <summary>Block until a child changes state.</summary>
    None = 0,
    /// <summary>WNOHANG: return 0 at once when children exist but none has exited.</summary>
    NoHang = 1,
    /// <summary>__WALL: wait for all children, whatever their exit signal.</summary>
    All = 0x40000000,
    /// <summary>__WCLONE: wait only for "clone" children (exit signal other than SIGCHLD).</summary>
    Clone = unchecked((int)0x80000000),
}

/// <summary>What a successful wait returns: the reaped child (0 for WNOHANG with nothing to report) and its status.</summary>
public readonly record struct WaitResult(Pid Pid, WaitStatus Status)
{
    /// <summary>"pid 43 exited with 3 (0x0300)".</summary>
    public override string ToString() => Pid.Value == 0 ? "no child has exited yet (0)" : $"{Pid} {Status}";
}
