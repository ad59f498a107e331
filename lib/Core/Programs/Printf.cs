using System.Globalization;
using System.Text;

namespace CourseKit.Programs;

/// <summary>
/// The part of C's printf that programs need: %d %i %u %x %X %o %c %s %p %% with an optional width,
/// '-' and '0' flags and the l/ll/z length modifiers (all values are 64-bit here, so lengths change nothing).
/// The conversions are counted at compile time, so a missing argument is a compile error, not garbage.
/// </summary>
internal static class Printf
{
    /// <summary>How many values the format consumes; throws <see cref="FormatException"/> with a reason if it is malformed.</summary>
    public static int CountConversions(string format)
    {
        int count = 0;
        foreach (var spec in Specs(format))
            if (spec.Conversion != '%') count++;
        return count;
    }

    /// <summary>Formats the values (numbers or strings) like printf would.</summary>
    public static string Format(string format, IReadOnlyList<object> values)
    {
        var sb = new StringBuilder();
        int next = 0;
        int literalStart = 0;
        foreach (var spec in Specs(format))
        {
            sb.Append(format, literalStart, spec.Start - literalStart);
            literalStart = spec.End;
            if (spec.Conversion == '%') { sb.Append('%'); continue; }
            sb.Append(Pad(Convert(spec.Conversion, next < values.Count ? values[next] : 0L), spec));
            next++;
        }
        sb.Append(format, literalStart, format.Length - literalStart);
        return sb.ToString();
    }

    private readonly record struct Spec(int Start, int End, bool Left, bool Zero, int Width, char Conversion);

    private static IEnumerable<Spec> Specs(string format)
    {
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%') continue;
            int start = i++;
            bool left = false, zero = false;
            for (; i < format.Length && format[i] is '-' or '0'; i++)
            {
                if (format[i] == '-') left = true; else zero = true;
            }
            int width = 0;
            for (; i < format.Length && char.IsDigit(format[i]); i++) width = width * 10 + (format[i] - '0');
            while (i < format.Length && format[i] is 'l' or 'z' or 'h') i++;
            if (i >= format.Length) throw new FormatException("the format ends in the middle of a % conversion");
            char conversion = format[i];
            if ("diuxXocsp%".IndexOf(conversion) < 0)
                throw new FormatException($"the conversion %{conversion} is not supported (use %d, %u, %x, %o, %c, %s, %p or %%)");
            yield return new Spec(start, i + 1, left, zero, width, conversion);
        }
    }

    private static string Convert(char conversion, object value) => (conversion, value) switch
    {
        ('s', string s) => s,
        ('s', long n) => n.ToString(CultureInfo.InvariantCulture),
        (_, string s) => s,
        ('d' or 'i', long n) => n.ToString(CultureInfo.InvariantCulture),
        ('u', long n) => unchecked((ulong)n).ToString(CultureInfo.InvariantCulture),
        ('x', long n) => n.ToString("x", CultureInfo.InvariantCulture),
        ('X', long n) => n.ToString("X", CultureInfo.InvariantCulture),
        ('o', long n) => System.Convert.ToString(n, 8),
        ('c', long n) => ((char)n).ToString(),
        ('p', long n) => "0x" + n.ToString("x", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Pad(string text, Spec spec)
    {
        if (text.Length >= spec.Width) return text;
        if (spec.Left) return text.PadRight(spec.Width);
        if (!spec.Zero || spec.Conversion is 's' or 'c') return text.PadLeft(spec.Width);
        return text.StartsWith('-') ? "-" + text[1..].PadLeft(spec.Width - 1, '0') : text.PadLeft(spec.Width, '0');
    }
}
