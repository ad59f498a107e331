namespace CourseKit.Tracing.Strace;

/// <summary>
/// Why a trace could not be read: the 1-based line number, the line itself and what the reader expected
/// there. A malformed trace is a normal outcome (a student may paste anything), so the importer returns
/// this instead of crashing.
/// </summary>
/// <param name="LineNumber">1-based line number in the trace text.</param>
/// <param name="Line">The offending line (as read, possibly long).</param>
/// <param name="Expected">What would have been valid at this point, in words.</param>
public sealed record StraceError(int LineNumber, string Line, string Expected)
{
    /// <summary>"line 12: expected ... (got: ...)" with the line shortened to keep messages readable.</summary>
    public override string ToString() =>
        $"line {LineNumber}: expected {Expected} (got: {Shorten(Line)})";

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..77] + "...";
}

/// <summary>
/// Thrown only by the convenience methods that promise a trace (<c>...OrThrow</c>); carries the
/// <see cref="StraceError"/> so callers can still show the line number and the expectation.
/// </summary>
public sealed class StraceFormatException(StraceError error) : FormatException(error.ToString())
{
    /// <summary>Where and why the trace was rejected.</summary>
    public StraceError Error { get; } = error;
}
