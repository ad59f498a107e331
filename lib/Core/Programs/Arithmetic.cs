namespace CourseKit.Programs;

/// <summary>
/// C's operators on 64-bit signed values (wrapping like the hardware; comparisons give 0 or 1).
/// Division or remainder by zero returns null: the interpreter turns it into SIGFPE, as Linux does.
/// </summary>
internal static class Arithmetic
{
    public static long? Binary(string op, long a, long b) => op switch
    {
        "+" => unchecked(a + b),
        "-" => unchecked(a - b),
        "*" => unchecked(a * b),
        "/" => b == 0 ? null : a == long.MinValue && b == -1 ? a : a / b,
        "%" => b == 0 ? null : a == long.MinValue && b == -1 ? 0 : a % b,
        "&" => a & b,
        "|" => a | b,
        "^" => a ^ b,
        "<<" => a << (int)(b & 63),
        ">>" => a >> (int)(b & 63),
        "==" => a == b ? 1 : 0,
        "!=" => a != b ? 1 : 0,
        "<" => a < b ? 1 : 0,
        "<=" => a <= b ? 1 : 0,
        ">" => a > b ? 1 : 0,
        ">=" => a >= b ? 1 : 0,
        _ => throw new InvalidOperationException($"bug: unknown operator {op}"),
    };

    public static long Unary(string op, long a) => op switch
    {
        "-" => unchecked(-a),
        "!" => a == 0 ? 1 : 0,
        "~" => ~a,
        _ => throw new InvalidOperationException($"bug: unknown operator {op}"),
    };

    public static bool Compare(string op, long a, long b) => Binary(op, a, b) != 0;
}
