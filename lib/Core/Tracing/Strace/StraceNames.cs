using System.Globalization;

namespace CourseKit.Tracing.Strace;

/// <summary>
/// The names strace prints for clone flags and signals, with their Linux (x86-64) values, so a trace can
/// be turned into numbers without the simulator's enums (this layer only reads text).
/// </summary>
public static class StraceNames
{
    private static readonly Dictionary<string, ulong> CloneFlagValues = new(StringComparer.Ordinal)
    {
        ["CLONE_VM"] = 0x100, ["CLONE_FS"] = 0x200, ["CLONE_FILES"] = 0x400, ["CLONE_SIGHAND"] = 0x800,
        ["CLONE_PIDFD"] = 0x1000, ["CLONE_PTRACE"] = 0x2000, ["CLONE_VFORK"] = 0x4000, ["CLONE_PARENT"] = 0x8000,
        ["CLONE_THREAD"] = 0x10000, ["CLONE_NEWNS"] = 0x20000, ["CLONE_SYSVSEM"] = 0x40000, ["CLONE_SETTLS"] = 0x80000,
        ["CLONE_PARENT_SETTID"] = 0x100000, ["CLONE_CHILD_CLEARTID"] = 0x200000, ["CLONE_DETACHED"] = 0x400000,
        ["CLONE_UNTRACED"] = 0x800000, ["CLONE_CHILD_SETTID"] = 0x1000000, ["CLONE_NEWCGROUP"] = 0x2000000,
        ["CLONE_NEWUTS"] = 0x4000000, ["CLONE_NEWIPC"] = 0x8000000, ["CLONE_NEWUSER"] = 0x10000000,
        ["CLONE_NEWPID"] = 0x20000000, ["CLONE_NEWNET"] = 0x40000000, ["CLONE_IO"] = 0x80000000,
        ["CLONE_CLEAR_SIGHAND"] = 0x100000000, ["CLONE_INTO_CGROUP"] = 0x200000000,
    };

    private static readonly string[] SignalNames =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
        "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
        "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    /// <summary>The Linux number of a signal name ("SIGCHLD" = 17, "SIGRTMIN"/"SIGRT_1" and plain numbers too); null if unknown.</summary>
    public static int? SignalNumber(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        int i = Array.IndexOf(SignalNames, name);
        if (i > 0) return i;
        if (name is "SIGIOT") return 6;
        if (name is "SIGPOLL") return 29;
        if (name is "SIGRTMIN") return 34;
        if (name.StartsWith("SIGRT_", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int rt) && rt <= 30)
            return 34 + rt;
        return int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 64 ? n : null;
    }

    /// <summary>The name of a signal number ("SIGCHLD" for 17); the number as text when it has no classic name.</summary>
    public static string SignalName(int number) =>
        number > 0 && number < SignalNames.Length ? SignalNames[number] : number.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads clone flags as strace prints them: "CLONE_VM|CLONE_VFORK|SIGCHLD" (clone) or the clone3
    /// structure "{flags=CLONE_VM|CLONE_VFORK, exit_signal=SIGCHLD, ...}". The exit signal goes to the low
    /// byte, like the clone(2) flags word. Unknown names are ignored; hex numbers are added as bits.
    /// </summary>
    public static ulong ParseCloneFlags(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ulong flags = 0;
        string? list = ValueAfter(text, "flags=");
        if (list is not null)
            foreach (string token in list.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (CloneFlagValues.TryGetValue(token, out ulong bit)) flags |= bit;
                else if (token.StartsWith("SIG", StringComparison.Ordinal) && SignalNumber(token) is int sig) flags = (flags & ~0xffUL) | (uint)sig;
                else if (token.StartsWith("0x", StringComparison.Ordinal) &&
                         ulong.TryParse(token.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong raw)) flags |= raw;
            }
        if (ValueAfter(text, "exit_signal=") is string exit && SignalNumber(exit) is int exitSignal)
            flags = (flags & ~0xffUL) | (uint)exitSignal;
        return flags;
    }

    /// <summary>The text after "key" up to the next ',', '}' or ')' (null when the key is absent).</summary>
    internal static string? ValueAfter(string text, string key)
    {
        int at = text.IndexOf(key, StringComparison.Ordinal);
        while (at > 0 && (char.IsLetterOrDigit(text[at - 1]) || text[at - 1] == '_'))   // "exit_signal=" must not match "signal="
            at = text.IndexOf(key, at + 1, StringComparison.Ordinal);
        if (at < 0) return null;
        int start = at + key.Length, end = start;
        while (end < text.Length && text[end] is not (',' or '}' or ')' or ' ')) end++;
        return text[start..end];
    }
}
