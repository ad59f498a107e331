using System.Globalization;
using System.Text;

namespace CourseKit.Tracing.Strace;

/// <summary>
/// Reads strace's argument text: finds where the argument list ends, splits it at top-level commas,
/// and decodes C string literals ("a\tb\n") and string arrays (["ls", "/tmp"]), including strace's
/// truncation marks ("long..."... and , ...]).
/// </summary>
public static class StraceArguments
{
    /// <summary>
    /// Index of the ')' that closes an argument list whose '(' came just before <paramref name="text"/>,
    /// skipping quoted strings, nested (), [] and {}, and /* comments */; -1 when the list is not closed.
    /// </summary>
    public static int FindClosingParenthesis(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int depth = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"') { i = SkipString(text, i); if (i < 0) return -1; }
            else if (c == '/' && i + 1 < text.Length && text[i + 1] == '*')
            {
                int end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0) return -1;
                i = end + 1;
            }
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ']' or '}') depth = Math.Max(0, depth - 1);
            else if (c == ')')
            {
                if (depth == 0) return i;
                depth--;
            }
        }
        return -1;
    }

    /// <summary>Splits "a, [b, c], {d=1, e=2}" into its top-level arguments (trimmed).</summary>
    public static IReadOnlyList<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '"') { i = SkipString(text, i); if (i < 0) break; }
            else if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') depth = Math.Max(0, depth - 1);
            else if (c == ',' && depth == 0) { parts.Add(text[start..i].Trim()); start = i + 1; }
        }
        string last = text[start..].Trim();
        if (last.Length > 0 || parts.Count > 0) parts.Add(last);
        return parts;
    }

    /// <summary>
    /// Decodes a C string literal as strace prints it ("ls", "a\"b", "\x41", "\101"), ignoring a trailing
    /// "..." truncation mark; null when <paramref name="token"/> is not a string literal (e.g. NULL or 0x7ffd...).
    /// </summary>
    public static string? DecodeString(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        token = token.Trim();
        if (token.Length < 2 || token[0] != '"') return null;
        int end = SkipString(token, 0);
        if (end < 0) return null;
        string rest = token[(end + 1)..];
        if (rest.Length > 0 && rest != "...") return null;
        var sb = new StringBuilder();
        for (int i = 1; i < end; i++)
        {
            char c = token[i];
            if (c != '\\' || i + 1 >= end) { sb.Append(c); continue; }
            char e = token[++i];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'v': sb.Append('\v'); break;
                case 'f': sb.Append('\f'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'x' when i + 2 < end &&
                              byte.TryParse(token.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte hex):
                    sb.Append((char)hex); i += 2; break;
                case >= '0' and <= '7':
                    int value = e - '0', digits = 1;
                    while (digits < 3 && i + 1 < end && token[i + 1] is >= '0' and <= '7') { value = value * 8 + (token[++i] - '0'); digits++; }
                    sb.Append((char)(value & 0xff)); break;
                default: sb.Append(e); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Decodes a string array such as execve's argv: ["ls", "-l"] or the truncated ["a", "b", ...];
    /// null when the token is not an array of strings.
    /// </summary>
    public static IReadOnlyList<string>? DecodeStringArray(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        token = token.Trim();
        if (token.Length < 2 || token[0] != '[' || token[^1] != ']') return null;
        var items = new List<string>();
        foreach (string part in Split(token[1..^1]))
        {
            if (part.Length == 0 || part == "...") continue;
            string? s = DecodeString(part);
            if (s is null) return null;
            items.Add(s);
        }
        return items;
    }

    /// <summary>Index of the closing quote of the string that starts at <paramref name="start"/>; -1 if unterminated.</summary>
    private static int SkipString(string text, int start)
    {
        for (int i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '"') return i;
        }
        return -1;
    }
}
