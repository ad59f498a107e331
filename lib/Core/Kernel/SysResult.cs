namespace CourseKit.Kernel;

/// <summary>How a system call ended.</summary>
public enum SysOutcome
{
    /// <summary>The call succeeded.</summary>
    Ok,
    /// <summary>The call failed with an errno; the machine is exactly as it was before the call.</summary>
    Failed,
    /// <summary>The call would sleep (wait with live children, a call by a sleeping thread): retry it when woken.</summary>
    Blocked,
    /// <summary>The calling process was killed by a signal while making the call (e.g. SIGSEGV on a bad write).</summary>
    Killed,
}

/// <summary>
/// The result of a system call that returns no value (execve, kill, a memory write). See <see cref="SysResult{T}"/>.
/// </summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public readonly struct SysResult
{
    private readonly SysResult<long> _inner;

    internal SysResult(SysResult<long> inner) => _inner = inner;

    /// <summary>How the call ended.</summary>
    public SysOutcome Outcome => _inner.Outcome;
    /// <summary>True when the call succeeded.</summary>
    public bool IsOk => _inner.IsOk;
    /// <summary>True when the call failed with an errno (the machine is unchanged).</summary>
    public bool IsFailed => _inner.IsFailed;
    /// <summary>True when the caller must sleep; <see cref="Message"/> says what it waits for.</summary>
    public bool IsBlocked => _inner.IsBlocked;
    /// <summary>True when the caller was killed during the call; <see cref="KilledBy"/> says by which signal.</summary>
    public bool IsKilled => _inner.IsKilled;
    /// <summary>The error number of a failed call, <see cref="Errno.None"/> otherwise.</summary>
    public Errno Errno => _inner.Errno;
    /// <summary>The signal that killed the caller when <see cref="IsKilled"/>.</summary>
    public Signal? KilledBy => _inner.KilledBy;
    /// <summary>For a student: the call, the process and the reason. Empty for a success.</summary>
    public string Message => _inner.Message;
    /// <summary>The call's name as strace prints it ("execve", "kill").</summary>
    public string Call => _inner.Call;

    /// <summary>Throws <see cref="SysCallException"/> unless the call succeeded: for lesson code that expects success.</summary>
    public void ThrowIfNotOk() => _inner.ThrowIfNotOk();

    /// <summary>Like strace: <c>kill(43, SIGTERM) = 0</c> or <c>execve("/bin/nope", ["nope"]) = -1 ENOENT (No such file or directory)</c>.</summary>
    public override string ToString() => _inner.ToString();
}

/// <summary>
/// The result of a system call: a value, an errno with a student-readable message, "blocked", or "killed".
/// System calls never throw for a student's mistake: a wrong call is a result to look at, as in C where
/// the call returns -1 and sets errno.
/// </summary>
/// <remarks>
/// A <see cref="SysOutcome.Failed"/> result guarantees that the machine is exactly as before the call (the
/// kernel checks everything, then commits, like xv6's exec). The text is built from the call name and its
/// arguments so that <see cref="ToString"/> reads like a line of strace output.
/// </remarks>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public readonly struct SysResult<T>
{
    private readonly T _value;
    private readonly string? _args;
    private readonly string? _text;
    private readonly ulong _address; // the argument of a memory access, formatted only when asked for

    private SysResult(SysOutcome outcome, string call, string? args, T value, string? text, Errno errno, Signal? killedBy, ulong address = 0)
    {
        _address = address;
        Outcome = outcome;
        Call = call;
        _args = args;
        _value = value;
        _text = text;
        Errno = errno;
        KilledBy = killedBy;
    }

    internal static SysResult<T> Ok(string call, string? args, T value, string? resultText = null) =>
        new(SysOutcome.Ok, call, args, value, resultText, Errno.None, null);

    /// <summary>A successful memory access: the address is kept as a number (formatting it for every store would dominate the cost).</summary>
    internal static SysResult<T> OkAccess(string call, Memory.VirtualAddress address, T value) =>
        new(SysOutcome.Ok, call, null, value, null, Errno.None, null, address.Value);

    internal static SysResult<T> Fail(string call, string? args, Errno errno, string message) =>
        new(SysOutcome.Failed, call, args, default!, message, errno, null);

    internal static SysResult<T> Block(string call, string? args, string waitsFor) =>
        new(SysOutcome.Blocked, call, args, default!, waitsFor, Errno.None, null);

    internal static SysResult<T> Kill(string call, string? args, Signal signal, string message) =>
        new(SysOutcome.Killed, call, args, default!, message, Errno.None, signal);

    /// <summary>The same outcome with another value type (for failures, blocks and kills that carry no value).</summary>
    internal SysResult<TOther> Cast<TOther>() => new(Outcome, Call, _args, default!, _text, Errno, KilledBy, _address);

    /// <summary>How the call ended.</summary>
    public SysOutcome Outcome { get; }
    /// <summary>The call's name as strace prints it ("clone", "wait4").</summary>
    public string Call { get; }
    /// <summary>The arguments as strace prints them.</summary>
    public string Args => _args ?? (Call is "store" or "load" ? new Memory.VirtualAddress(_address).ToString() : "");
    /// <summary>True when the call succeeded and <see cref="Value"/> holds the returned value.</summary>
    public bool IsOk => Outcome == SysOutcome.Ok;
    /// <summary>True when the call failed with an errno (the machine is unchanged).</summary>
    public bool IsFailed => Outcome == SysOutcome.Failed;
    /// <summary>True when the caller must sleep; <see cref="Message"/> says what it waits for.</summary>
    public bool IsBlocked => Outcome == SysOutcome.Blocked;
    /// <summary>True when the caller was killed during the call.</summary>
    public bool IsKilled => Outcome == SysOutcome.Killed;
    /// <summary>The error number of a failed call, <see cref="Errno.None"/> otherwise.</summary>
    public Errno Errno { get; }
    /// <summary>The signal that killed the caller when <see cref="IsKilled"/>.</summary>
    public Signal? KilledBy { get; }
    /// <summary>For a student: the call, the process and the reason (or what a blocked call waits for). Empty for a success.</summary>
    public string Message => IsOk ? "" : _text ?? "";

    internal string OkText => _text ?? FormatValue(_value);

    /// <summary>The returned value; throws <see cref="SysCallException"/> (with the student message) when the call did not succeed.</summary>
    public T Value => IsOk ? _value : throw new SysCallException(ToString(), Errno);

    /// <summary>The value when the call succeeded, otherwise <paramref name="fallback"/>.</summary>
    public T ValueOr(T fallback) => IsOk ? _value : fallback;

    /// <summary>Throws <see cref="SysCallException"/> unless the call succeeded.</summary>
    public void ThrowIfNotOk()
    {
        if (!IsOk) throw new SysCallException(ToString(), Errno);
    }

    /// <summary>The result without its value.</summary>
    public SysResult WithoutValue()
    {
        if (typeof(T) == typeof(long))
            return new(new SysResult<long>(Outcome, Call, _args, System.Runtime.CompilerServices.Unsafe.As<T, long>(ref System.Runtime.CompilerServices.Unsafe.AsRef(in _value)), _text, Errno, KilledBy, _address));
        return new(new SysResult<long>(Outcome, Call, _args, 0, IsOk ? _text ?? FormatValue(_value) : _text, Errno, KilledBy, _address));
    }

    /// <summary>
    /// Like strace: <c>clone(...) = 43</c>, <c>wait4(-1) = -1 ECHILD (No child processes)</c> followed by the
    /// student message, <c>wait4(-1) = ? &lt;blocked: ...&gt;</c>, or <c>+++ killed by SIGSEGV +++</c>.
    /// </summary>
    public override string ToString() => Outcome switch
    {
        SysOutcome.Ok => $"{Call}({Args}) = {_text ?? FormatValue(_value)}",
        SysOutcome.Failed => $"{Call}({Args}) = -1 {Errno} ({Errno.Describe()}): {_text}",
        SysOutcome.Blocked => $"{Call}({Args}) = ? <blocked: {_text}>",
        _ => $"{Call}({Args}) = ? +++ killed by {KilledBy} +++: {_text}",
    };

    private static string FormatValue(T value) => value switch
    {
        Pid p => p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Memory.VirtualAddress a => a.ToString(),
        WaitResult w => w.Pid.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        null => "0",
        _ => value.ToString() ?? "",
    };
}

/// <summary>
/// Thrown only when lesson code asks for the value of a result that did not succeed (<c>result.Value</c>):
/// the system call itself never throws for a student's mistake.
/// </summary>
public sealed class SysCallException(string message, Errno errno) : Exception(message)
{
    /// <summary>The errno of the failed call (<see cref="Errno.None"/> for a blocked or killed call).</summary>
    public Errno Errno { get; } = errno;
}

/// <summary>
/// A broken kernel invariant: a bug in the simulator, never a student's mistake (those are errno results).
/// </summary>
public sealed class KernelBugException(string message) : Exception("kernel bug: " + message);
