namespace CourseKit.Programs;

/// <summary>
/// A place in a program's text, 1-based like an editor shows it, so an error or a thread's program
/// counter can point a student at the exact line and column of the statement it belongs to.
/// </summary>
public readonly record struct SourcePosition(int Line, int Column)
{
    /// <inheritdoc/>
    public override string ToString() => $"line {Line}, column {Column}";
}

/// <summary>
/// A problem found while reading program text: the position, a message in student words, and the
/// offending source line with a caret under the column (like a C compiler prints it).
/// </summary>
public sealed record ProgramDiagnostic(SourcePosition Position, string Message, string SourceLine)
{
    /// <summary>The diagnostic as a compiler would print it: position, message, the line and a caret.</summary>
    public override string ToString()
    {
        var caret = new string(' ', Math.Max(0, Position.Column - 1)) + "^";
        return $"{Position}: {Message}\n    {SourceLine}\n    {caret}";
    }
}

/// <summary>
/// Thrown only when code insists on a program that does not compile (<see cref="Program.Compile"/>);
/// lessons that show student text use <see cref="Program.TryCompile"/>, which returns the diagnostics
/// as a value instead, so a student never sees a stack trace for a typo.
/// </summary>
public sealed class ProgramSyntaxException(IReadOnlyList<ProgramDiagnostic> diagnostics)
    : Exception(string.Join("\n", diagnostics))
{
    /// <summary>Every problem found, in source order.</summary>
    public IReadOnlyList<ProgramDiagnostic> Diagnostics { get; } = diagnostics;
}

/// <summary>Internal: stops parsing at the first error; turned into a <see cref="ProgramDiagnostic"/>.</summary>
internal sealed class ParseError(SourcePosition position, string message) : Exception(message)
{
    public SourcePosition Position { get; } = position;
}
