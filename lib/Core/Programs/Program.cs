using System.Collections.Immutable;
using System.Text;

namespace CourseKit.Programs;

/// <summary>
/// A compiled program: the source an instructor wrote and the flat instruction list a thread runs.
/// Immutable, so many threads (a parent and its forked children) share one program and differ only in
/// their program counters and registers.
/// </summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class Program
{
    private Program(string name, string source, ImmutableArray<Instruction> instructions, ImmutableArray<string> variables)
    {
        Name = name;
        Source = source;
        Instructions = instructions;
        Variables = variables;
        SourceLines = source.Split('\n').Select(l => l.TrimEnd('\r')).ToImmutableArray();
    }

    /// <summary>A short name for listings and events (e.g. the path it is installed at).</summary>
    public string Name { get; }

    /// <summary>The program text as written.</summary>
    public string Source { get; }

    /// <summary>The lines of <see cref="Source"/>, for showing the statement a PC belongs to.</summary>
    public ImmutableArray<string> SourceLines { get; }

    /// <summary>The instructions; a program counter is an index into this list.</summary>
    public ImmutableArray<Instruction> Instructions { get; }

    /// <summary>The variables (registers a thread starts with at 0), sorted; includes <c>errno</c>.</summary>
    public ImmutableArray<string> Variables { get; }

    /// <summary>
    /// Compiles program text and returns either the program or the problems found, as a value: a student's
    /// typo shows as "line 3, column 9: expected ')' ..." with the line and a caret, never as a stack trace.
    /// </summary>
    public static ProgramCompilation TryCompile(string source, string name = "program")
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var tree = Parser.ParseProgram(source);
            var end = EndPosition(source);
            var code = Compiler.Compile(tree, end, out var variables);
            return new ProgramCompilation(new Program(name, source, [.. code], [.. variables]), []);
        }
        catch (ParseError error)
        {
            return new ProgramCompilation(null, [Diagnose(source, error)]);
        }
    }

    /// <summary>Compiles program text that is known to be right (lessons' own programs); throws <see cref="ProgramSyntaxException"/> otherwise.</summary>
    public static Program Compile(string source, string name = "program")
    {
        var result = TryCompile(source, name);
        return result.Program ?? throw new ProgramSyntaxException(result.Diagnostics);
    }

    /// <summary>The listing: one line per instruction with its index (the PC value) and the source line it came from.</summary>
    public ProgramListing Listing() => new(this, ImmutableDictionary<int, ImmutableArray<string>>.Empty);

    /// <summary>The source line (without indentation) that an instruction came from.</summary>
    public string SourceLineOf(int pc)
    {
        int line = Instructions[pc].Position.Line;
        return line >= 1 && line <= SourceLines.Length ? SourceLines[line - 1].Trim() : "";
    }

    /// <inheritdoc/>
    public override string ToString() => Listing().ToString();

    private static SourcePosition EndPosition(string source)
    {
        var lines = source.Split('\n');
        return new SourcePosition(lines.Length, lines[^1].Length + 1);
    }

    private static ProgramDiagnostic Diagnose(string source, ParseError error)
    {
        var lines = source.Split('\n');
        int line = error.Position.Line;
        var text = line >= 1 && line <= lines.Length ? lines[line - 1].TrimEnd('\r') : "";
        return new ProgramDiagnostic(error.Position, error.Message, text);
    }
}

/// <summary>The result of <see cref="Program.TryCompile"/>: a program, or the diagnostics that explain why not.</summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record ProgramCompilation(Program? Program, IReadOnlyList<ProgramDiagnostic> Diagnostics)
{
    /// <summary>True when the text compiled.</summary>
    public bool Success => Program is not null;

    /// <summary>The listing on success, otherwise every diagnostic as a compiler prints it.</summary>
    public override string ToString() => Program?.ToString() ?? string.Join("\n", Diagnostics);
}

/// <summary>
/// An immutable listing of a program with, for each instruction, the threads whose PC is there — the
/// picture of "fork returns twice": after a fork the parent's and the child's markers sit on the same line.
/// </summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class ProgramListing(Program program, ImmutableDictionary<int, ImmutableArray<string>> markers)
{
    /// <summary>The program listed.</summary>
    public Program Program { get; } = program;

    /// <summary>Thread labels (e.g. "pid 7") by PC.</summary>
    public ImmutableDictionary<int, ImmutableArray<string>> Markers { get; } = markers;

    /// <summary>One entry per instruction: PC, instruction text, source line, and the threads whose PC is here.</summary>
    public IEnumerable<(int Pc, string Instruction, string Source, ImmutableArray<string> Threads)> Lines =>
        Program.Instructions.Select((instruction, pc) =>
            (pc, instruction.ToString(), Program.SourceLineOf(pc), Markers.GetValueOrDefault(pc, [])));

    /// <summary>Plain text: <c>  3: pid = fork()          // pid = fork();   &lt;- pid 7, pid 8</c></summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        int width = Program.Instructions.Length == 0 ? 0 : Program.Instructions.Max(i => i.ToString().Length);
        foreach (var (pc, instruction, source, threads) in Lines)
        {
            sb.Append($"{pc,3}: {instruction.PadRight(width)}   // {source}");
            if (threads.Length > 0) sb.Append("   <- ").Append(string.Join(", ", threads));
            sb.Append('\n');
        }
        return sb.ToString().TrimEnd('\n');
    }
}
