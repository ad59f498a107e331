using System.Globalization;
using System.Text.RegularExpressions;

namespace CourseKit.Tracing.Strace;

/// <summary>
/// Splits one line of <c>strace -f</c> output into prefix (pid), timestamp and body. Knows the line
/// shapes of strace 5 and 6; returns a <see cref="StraceError"/> (never throws) for anything else.
/// </summary>
/// <remarks>
/// Line = [pid prefix] [timestamp] body [" &lt;duration&gt;"].
/// The pid prefix is "1234 " (with -o and -f) or "[pid 1234] " (on stderr while several tasks are traced).
/// The timestamp is "08:33:09" (-t), "08:33:09.123456" (-tt), "1795941189.925078" (-ttt) or a relative
/// "0.000657" (-r). Epoch and relative stamps look alike; a value below 10^8 seconds (three years) is read
/// as relative.
/// </remarks>
public static partial class StraceLineParser
{
    /// <summary>Parses one line. Blank lines give (null, null).</summary>
    public static (StraceLine? Line, StraceError? Error) Parse(int lineNumber, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rest = text.AsSpan().Trim();
        if (rest.IsEmpty) return (null, null);

        int? pid = null;
        var prefix = PidPrefix().Match(text.TrimStart());
        if (prefix.Success)
        {
            if (!int.TryParse(prefix.Groups[1].ValueSpan.IsEmpty ? prefix.Groups[2].ValueSpan : prefix.Groups[1].ValueSpan,
                    NumberStyles.None, CultureInfo.InvariantCulture, out int p))
                return Fail(lineNumber, text, "a pid that fits in 32 bits");
            pid = p;
            rest = text.TrimStart().AsSpan(prefix.Length).TrimStart();
        }

        var kind = StraceTimestampKind.None;
        long micros = 0;
        var stamp = Timestamp().Match(rest.ToString());
        if (stamp.Success)
        {
            if (!TryReadTimestamp(stamp, out kind, out micros))
                return Fail(lineNumber, text, "a timestamp like 08:33:09.123456 or 1795941189.925078");
            rest = rest[stamp.Length..].TrimStart();
        }
        if (rest.IsEmpty) return Fail(lineNumber, text, "a system call, signal or exit after the prefix");
        return ParseBody(lineNumber, text, pid, kind, micros, rest.ToString());
    }

    private static (StraceLine?, StraceError?) ParseBody(int n, string text, int? pid, StraceTimestampKind kind, long us, string body)
    {
        if (body.StartsWith("+++", StringComparison.Ordinal))
        {
            var m = ExitBody().Match(body);
            if (!m.Success) return Fail(n, text, "'+++ exited with N +++', '+++ killed by SIGNAME +++' or '+++ superseded by execve in pid N +++'");
            if (m.Groups["code"].Success)
                return int.TryParse(m.Groups["code"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int code)
                    ? (new StraceExitLine(n, pid, kind, us, code, null, false, null), null)
                    : Fail(n, text, "an exit code that fits in 32 bits");
            if (m.Groups["sig"].Success)
                return (new StraceExitLine(n, pid, kind, us, null, m.Groups["sig"].Value, m.Groups["core"].Success, null), null);
            return int.TryParse(m.Groups["by"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int by)
                ? (new StraceExitLine(n, pid, kind, us, null, null, false, by), null)
                : Fail(n, text, "a pid that fits in 32 bits");
        }
        if (body.StartsWith("---", StringComparison.Ordinal))
        {
            var m = SignalBody().Match(body);
            if (!m.Success) return Fail(n, text, "'--- SIGNAME {siginfo} ---' or '--- stopped by SIGNAME ---'");
            return m.Groups["stopped"].Success
                ? (new StraceSignalLine(n, pid, kind, us, m.Groups["stopped"].Value, "", true), null)
                : (new StraceSignalLine(n, pid, kind, us, m.Groups["sig"].Value, m.Groups["info"].Value, false), null);
        }
        if (body.StartsWith("strace:", StringComparison.Ordinal))
        {
            string note = body["strace:".Length..].Trim();
            var m = AttachedNote().Match(note);
            int? attached = m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int a) ? a : null;
            return (new StraceNoteLine(n, pid, kind, us, note, attached), null);
        }
        if (body.StartsWith("<...", StringComparison.Ordinal))
        {
            var m = ResumedHead().Match(body);
            if (!m.Success) return Fail(n, text, "'<... NAME resumed>' at the start of a resumed call");
            return ParseCallTail(n, text, pid, kind, us, m.Groups[1].Value, body[m.Length..], resumed: true);
        }
        var call = CallHead().Match(body);
        if (!call.Success)
            return Fail(n, text, "a system call 'name(arguments) = result', a signal '--- SIGNAME {...} ---' or '+++ exited with N +++'");
        return ParseCallTail(n, text, pid, kind, us, call.Groups[1].Value, body[call.Length..], resumed: false);
    }

    /// <summary>Reads "arguments) = result" or "arguments &lt;unfinished ...&gt;" after the name and "(".</summary>
    private static (StraceLine?, StraceError?) ParseCallTail(int n, string text, int? pid, StraceTimestampKind kind, long us,
        string name, string tail, bool resumed)
    {
        int close = StraceArguments.FindClosingParenthesis(tail);
        if (close < 0)
        {
            string trimmed = tail.TrimEnd();
            foreach (string marker in (ReadOnlySpan<string>)["<unfinished ...>", "<detached ...>"])
                if (trimmed.EndsWith(marker, StringComparison.Ordinal))
                    return (new StraceCallLine(n, pid, kind, us, name, trimmed[..^marker.Length].TrimEnd(), null, true, resumed), null);
            // execve by a non-leader thread: the call resumes under the leader's pid ("+++ superseded ... +++" follows)
            var changed = PidChanged().Match(trimmed);
            if (changed.Success)
                return (new StraceCallLine(n, pid, kind, us, name, trimmed[..changed.Index].TrimEnd(), null, true, resumed), null);
            return Fail(n, text, $"')' closing the arguments of {name}, or '<unfinished ...>'");
        }
        string after = tail[(close + 1)..].Trim();
        if (after.EndsWith("<unfinished ...>", StringComparison.Ordinal))   // "<... x resumed> <unfinished ...>) = ?" is rare; accept "...) <unfinished ...>"
            return (new StraceCallLine(n, pid, kind, us, name, tail[..close], null, true, resumed), null);
        if (!after.StartsWith('='))
            return Fail(n, text, $"' = result' after the arguments of {name}");
        var result = ParseResult(after[1..].Trim());
        if (result is null)
            return Fail(n, text, $"a result after '{name}(...) = ': a number, '?' or '-1 ERRNO (text)'");
        return (new StraceCallLine(n, pid, kind, us, name, tail[..close], result, false, resumed), null);
    }

    /// <summary>Parses "42", "0x7f00", "?", "-1 ENOENT (No such file or directory)", "0 (Timeout)", "? ERESTARTSYS (...)".</summary>
    internal static StraceResult? ParseResult(string text)
    {
        var m = Result().Match(text);
        if (!m.Success) return null;
        string v = m.Groups["val"].Value;
        long? value = null;
        if (v != "?")
        {
            if (v.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                if (!ulong.TryParse(v.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong u)) return null;
                value = unchecked((long)u);
            }
            else if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) value = l;
            else return null;
        }
        string rest = m.Groups["rest"].Value.Trim();
        var duration = Duration().Match(rest);                         // -T appends " <0.000123>"
        if (duration.Success) rest = rest[..duration.Index].TrimEnd();
        string? comment = rest.StartsWith('(') && rest.EndsWith(')') ? rest[1..^1] : rest.Length > 0 ? rest : null;
        var shownDuration = Duration().Match(text);
        string shown = shownDuration.Success ? text[..shownDuration.Index] : text;
        return new StraceResult(shown, value, m.Groups["errno"].Success ? m.Groups["errno"].Value : null, comment);
    }

    private static bool TryReadTimestamp(Match stamp, out StraceTimestampKind kind, out long micros)
    {
        kind = StraceTimestampKind.None;
        micros = 0;
        if (stamp.Groups["h"].Success)
        {
            int h = int.Parse(stamp.Groups["h"].Value, CultureInfo.InvariantCulture);
            int m = int.Parse(stamp.Groups["m"].Value, CultureInfo.InvariantCulture);
            int s = int.Parse(stamp.Groups["s"].Value, CultureInfo.InvariantCulture);
            if (h > 23 || m > 59 || s > 60) return false;
            kind = StraceTimestampKind.TimeOfDay;
            micros = ((h * 60L + m) * 60 + s) * 1_000_000 + Fraction(stamp.Groups["tfrac"]);
            return true;
        }
        string whole = stamp.Groups["sec"].Value;
        if (whole.Length > 12 || !long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out long sec)) return false;
        kind = sec < 100_000_000 ? StraceTimestampKind.Relative : StraceTimestampKind.Epoch;
        micros = sec * 1_000_000 + Fraction(stamp.Groups["frac"]);
        return true;
    }

    /// <summary>Microseconds from a fraction's digits (".5" = 500000; nanosecond digits are cut).</summary>
    private static long Fraction(Group g)
    {
        if (!g.Success) return 0;
        string digits = g.Value.Length >= 6 ? g.Value[..6] : g.Value.PadRight(6, '0');
        return long.Parse(digits, CultureInfo.InvariantCulture);
    }

    private static (StraceLine?, StraceError?) Fail(int n, string text, string expected) => (null, new StraceError(n, text, expected));

    [GeneratedRegex(@"^(?:\[pid\s+([0-9]+)\]|([0-9]+))\s+(?=\S)")]
    private static partial Regex PidPrefix();

    [GeneratedRegex(@"^(?:(?<h>[0-9]{2}):(?<m>[0-9]{2}):(?<s>[0-9]{2})(?:\.(?<tfrac>[0-9]{1,9}))?|(?<sec>[0-9]+)\.(?<frac>[0-9]{1,9}))(?=\s)")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"^\+\+\+ (?:exited with (?<code>-?[0-9]+)|killed by (?<sig>SIG[A-Z0-9+]+|[0-9]+)(?<core> \(core dumped\))?|superseded by execve in pid (?<by>[0-9]+)) \+\+\+$")]
    private static partial Regex ExitBody();

    [GeneratedRegex(@"^--- (?:stopped by (?<stopped>SIG[A-Z0-9+]+)|(?<sig>SIG[A-Z0-9+]+|[0-9]+) \{(?<info>.*)\}) ---$")]
    private static partial Regex SignalBody();

    [GeneratedRegex(@"<pid changed to [0-9]+ \.\.\.>$")]
    private static partial Regex PidChanged();

    [GeneratedRegex(@"^Process ([0-9]+) attached")]
    private static partial Regex AttachedNote();

    [GeneratedRegex(@"^<\.\.\. ([A-Za-z_][A-Za-z0-9_]*|\?\?\?\?) resumed>")]
    private static partial Regex ResumedHead();

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*|\?\?\?\?)\(")]
    private static partial Regex CallHead();

    [GeneratedRegex(@"^(?<val>\?|-?[0-9]+|0x[0-9a-fA-F]+)(?:\s+(?<errno>E[A-Z0-9]+)\b)?(?<rest>.*)$")]
    private static partial Regex Result();

    [GeneratedRegex(@"\s*<[0-9]+\.[0-9]+>$")]
    private static partial Regex Duration();
}
