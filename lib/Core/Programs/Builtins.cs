using CourseKit.Kernel;

namespace CourseKit.Programs;

/// <summary>What an argument of a built-in must be.</summary>
public enum ParameterKind
{
    /// <summary>Any number expression.</summary>
    Number,
    /// <summary>A string literal (a path, an argument).</summary>
    Text,
    /// <summary>A string literal or a number (what print shows).</summary>
    TextOrNumber,
    /// <summary><c>&amp;variable</c> that receives a result such as the wait status, or NULL.</summary>
    StatusPointer,
    /// <summary>The name of a two-element array (<c>int fd[2]</c>) that receives two results (pipe).</summary>
    Array,
}

/// <summary>One parameter of a built-in; an optional one may be left out, a repeated one may appear any number of times.</summary>
public sealed record BuiltinParameter(string Name, ParameterKind Kind, bool Optional = false, bool Repeated = false);

/// <summary>
/// A function a program may call: a system call (fork, exec, wait...), a C library function (printf,
/// WEXITSTATUS) or a simulator helper (print). The list is closed so a typo is a compile error with the
/// list of names, not a crash at run time.
/// </summary>
public sealed record Builtin(string Name, string Summary, bool ReturnsValue, IReadOnlyList<BuiltinParameter> Parameters)
{
    /// <summary>How to call it, e.g. <c>waitpid(pid, &amp;status, options)</c>.</summary>
    public string Usage => $"{Name}({string.Join(", ", Parameters.Select(Describe))})";

    private static string Describe(BuiltinParameter p) => p.Repeated ? p.Name + "..." : p.Optional ? "[" + p.Name + "]" : p.Name;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The closed list of functions programs can call, and the named constants they can use.</summary>
public static class Builtins
{
    private static readonly BuiltinParameter Pid = new("pid", ParameterKind.Number);
    private static readonly BuiltinParameter Code = new("status", ParameterKind.Number);
    private static readonly BuiltinParameter Status = new("&status", ParameterKind.StatusPointer, Optional: true);
    private static readonly BuiltinParameter Word = new("status", ParameterKind.Number);

    /// <summary>Every built-in by name.</summary>
    public static IReadOnlyDictionary<string, Builtin> All { get; } = new[]
    {
        Make("fork", "create a child process: returns the child's pid in the parent and 0 in the child", true),
        Make("vfork", "create a child that borrows the parent's memory; the parent sleeps until the child execs or exits", true),
        Make("clone", "create a child or a thread; the flags say what it shares (CLONE_VM, CLONE_THREAD, ...)", true, new BuiltinParameter("flags", ParameterKind.Number)),
        Make("exec", "replace the program (execve); argv[0] is the path's last part and the other arguments follow", true, new BuiltinParameter("path", ParameterKind.Text), new BuiltinParameter("arg", ParameterKind.Text, Repeated: true)),
        Make("execl", "like C's execl(path, arg0, arg1, ..., NULL): argv is given in full", true, new BuiltinParameter("path", ParameterKind.Text), new BuiltinParameter("arg", ParameterKind.TextOrNumber, Repeated: true)),
        Make("posix_spawn", "fork+exec in one call (clone(CLONE_VM|CLONE_VFORK) then execve); returns the child's pid", true, new BuiltinParameter("path", ParameterKind.Text), new BuiltinParameter("arg", ParameterKind.Text, Repeated: true)),
        Make("wait", "wait for any child to end: returns its pid (or -1 with errno ECHILD); the status goes to *status", true, Status),
        Make("waitpid", "wait for one child (pid > 0) or any (-1); WNOHANG returns 0 at once if none has ended", true, Pid, Status, new BuiltinParameter("options", ParameterKind.Number, Optional: true)),
        Make("exit", "end the process (flushes stdio first, like C's exit)", false, Code),
        Make("_exit", "end the process at once (no stdio flush)", false, Code),
        Make("pthread_exit", "end only the calling thread", false, new BuiltinParameter("status", ParameterKind.Number, Optional: true)),
        Make("kill", "send a signal to a process", true, Pid, new BuiltinParameter("signal", ParameterKind.Number)),
        Make("getpid", "the process id (the thread group id: the same in all threads)", true),
        Make("getppid", "the parent's process id", true),
        Make("gettid", "the calling thread's id", true),
        Make("sbrk", "grow the heap by n bytes; returns the old end of the heap", true, new BuiltinParameter("n", ParameterKind.Number)),
        Make("mmap", "map anonymous memory: mmap(length, prot, flags) or C's mmap(NULL, length, prot, flags, -1, 0); MAP_SHARED memory stays shared after fork", true, new BuiltinParameter("length", ParameterKind.Number), new BuiltinParameter("prot", ParameterKind.Number), new BuiltinParameter("flags", ParameterKind.Number), new BuiltinParameter("more", ParameterKind.Number, Repeated: true)),
        Make("munmap", "unmap memory", true, new BuiltinParameter("addr", ParameterKind.Number), new BuiltinParameter("length", ParameterKind.Number)),
        Make("signal", "set what the process does with a signal: SIG_DFL or SIG_IGN (signal(SIGCHLD, SIG_IGN) means no zombies)", true, new BuiltinParameter("signal", ParameterKind.Number), new BuiltinParameter("handler", ParameterKind.Number)),
        Make("setpgid", "put a process into a process group (0 means the caller / its own PID)", true, Pid, new BuiltinParameter("pgid", ParameterKind.Number)),
        Make("getpgid", "the process group of a process (0: the caller)", true, Pid),
        Make("getpgrp", "the caller's process group", true),
        Make("sleep", "sleep n ticks of logical time", true, new BuiltinParameter("n", ParameterKind.Number)),
        Make("pause", "sleep until a signal arrives (in this simulation only a deadly one ends it)", true),
        Make("sched_yield", "give the CPU to another thread", true),
        Make("prctl", "only prctl(PR_SET_CHILD_SUBREAPER, 1 or 0): become (or stop being) a child subreaper", true, new BuiltinParameter("option", ParameterKind.Number), new BuiltinParameter("value", ParameterKind.Number)),
        Make("pipe", "create a pipe: fd[0] is the read end, fd[1] the write end (needs the file layer)", true, new BuiltinParameter("fd", ParameterKind.Array)),
        Make("open", "open a file; flags O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_CLOEXEC", true, new BuiltinParameter("path", ParameterKind.Text), new BuiltinParameter("flags", ParameterKind.Number, Optional: true)),
        Make("close", "close a file descriptor", true, new BuiltinParameter("fd", ParameterKind.Number)),
        Make("dup", "copy a file descriptor to the lowest free number", true, new BuiltinParameter("fd", ParameterKind.Number)),
        Make("dup2", "make newfd point at the same open file as oldfd (closing newfd first)", true, new BuiltinParameter("oldfd", ParameterKind.Number), new BuiltinParameter("newfd", ParameterKind.Number)),
        Make("read", "read up to count bytes: returns how many (0 at end of file); sleeps on an empty pipe while a writer exists", true, new BuiltinParameter("fd", ParameterKind.Number), new BuiltinParameter("count", ParameterKind.Number)),
        Make("write", "write text (or a number as text) to a file descriptor, bypassing stdio", true, new BuiltinParameter("fd", ParameterKind.Number), new BuiltinParameter("data", ParameterKind.TextOrNumber)),
        Make("print", "write the values separated by spaces and a newline to stdout", false, new BuiltinParameter("value", ParameterKind.TextOrNumber, Repeated: true)),
        Make("printf", "formatted output to stdout (%d %i %u %x %s %c %%); no newline unless written", false, new BuiltinParameter("format", ParameterKind.Text), new BuiltinParameter("value", ParameterKind.TextOrNumber, Repeated: true)),
        Make("fflush", "write out the stdout buffer (fflush(stdout))", false, new BuiltinParameter("stream", ParameterKind.Number, Optional: true)),
        Make("WIFEXITED", "true if the status says the child exited normally", true, Word),
        Make("WEXITSTATUS", "the exit code in a status word: (status >> 8) & 0xff", true, Word),
        Make("WIFSIGNALED", "true if the status says the child was killed by a signal", true, Word),
        Make("WTERMSIG", "the signal that killed the child: status & 0x7f", true, Word),
    }.ToDictionary(b => b.Name);

    private static Builtin Make(string name, string summary, bool returnsValue, params BuiltinParameter[] parameters) =>
        new(name, summary, returnsValue, parameters);

    /// <summary>
    /// Named constants (C macros) with their Linux values: WNOHANG, NULL, stdout, EXIT_SUCCESS/FAILURE,
    /// PR_SET_CHILD_SUBREAPER, the signal numbers, the clone flags and the errno values.
    /// </summary>
    public static IReadOnlyDictionary<string, long> Constants { get; } = BuildConstants();

    private static Dictionary<string, long> BuildConstants()
    {
        var constants = new Dictionary<string, long>
        {
            ["NULL"] = 0, ["true"] = 1, ["false"] = 0, ["stdout"] = 1, ["EXIT_SUCCESS"] = 0, ["EXIT_FAILURE"] = 1,
            ["STDIN_FILENO"] = 0, ["STDOUT_FILENO"] = 1, ["STDERR_FILENO"] = 2,
            ["O_RDONLY"] = 0, ["O_WRONLY"] = 1, ["O_RDWR"] = 2, ["O_CREAT"] = 0x40, ["O_EXCL"] = 0x80, ["O_TRUNC"] = 0x200,
            ["O_APPEND"] = 0x400, ["O_NONBLOCK"] = 0x800, ["O_CLOEXEC"] = 0x80000,
            ["PROT_NONE"] = 0, ["PROT_READ"] = 1, ["PROT_WRITE"] = 2, ["PROT_EXEC"] = 4,
            ["MAP_SHARED"] = 1, ["MAP_PRIVATE"] = 2, ["MAP_ANONYMOUS"] = 0x20, ["MAP_ANON"] = 0x20, ["MAP_FAILED"] = -1,
            ["SIG_DFL"] = 0, ["SIG_IGN"] = 1, ["SIG_ERR"] = -1,
            ["WNOHANG"] = 1, ["__WALL"] = 0x40000000, ["__WCLONE"] = unchecked((int)0x80000000), ["PR_SET_CHILD_SUBREAPER"] = 36,
        };
        foreach (var signal in Enum.GetValues<Signal>()) constants[signal.ToString()] = (long)signal;
        foreach (var errno in Enum.GetValues<Errno>().Where(e => e != Errno.None)) constants[errno.ToString()] = (long)errno;
        foreach (var flag in Enum.GetValues<CloneFlags>().Where(f => (ulong)f >= 0x100 && ulong.IsPow2((ulong)f)))
            constants[flag.ToStraceString()] = (long)flag;
        return constants;
    }
}
