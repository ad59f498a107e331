namespace CourseKit.Runner;

/// <summary>One output of a code cell, as a notebook stores it.</summary>
public abstract record CellOutput;

/// <summary>A displayed value (or the cell's return value) in one or more MIME types.</summary>
/// <param name="Data">MIME type to formatted text, e.g. "text/html" to the view's markup.</param>
/// <param name="DisplayId">The id a live <c>Update</c> targets; later updates replace this output.</param>
/// <param name="IsResult">True for the value the cell ended with (Jupyter's execute_result).</param>
public sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data, string? DisplayId, bool IsResult) : CellOutput;

/// <summary>Text the cell wrote to stdout or stderr.</summary>
public sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>A failure: a compile error, an exception, or an error the kernel reported.</summary>
public sealed record ErrorOutput(string Name, string Message, IReadOnlyList<string> Traceback) : CellOutput;

/// <summary>What happened to one cell during a run.</summary>
/// <param name="Cell">The cell as stored.</param>
/// <param name="Outputs">Its outputs in order (empty for markdown).</param>
/// <param name="Elapsed">Wall time spent executing it.</param>
/// <param name="ExecutionCount">1-based count of executed code cells (Jupyter's In [n]); 0 for markdown.</param>
public sealed record CellResult(NotebookCell Cell, IReadOnlyList<CellOutput> Outputs, TimeSpan Elapsed, int ExecutionCount)
{
    /// <summary>
    /// The error this cell produced, if any. Anything written to stderr counts too: a lesson that runs cleanly
    /// writes nothing there, in any host.
    /// </summary>
    public string? Error =>
        Outputs.OfType<ErrorOutput>().Select(e => e.Message).FirstOrDefault()
        ?? Outputs.OfType<StreamOutput>().Where(s => s.Name == "stderr").Select(s => "stderr: " + s.Text.Trim()).FirstOrDefault();

    /// <summary>True when the cell produced an error output.</summary>
    public bool Failed => Error is not null;
}

/// <summary>The outcome of running one lesson top to bottom.</summary>
public sealed record LessonResult(Lesson Lesson, NotebookDocument Notebook, IReadOnlyList<CellResult> Cells, TimeSpan Elapsed)
{
    /// <summary>Number of code cells executed.</summary>
    public int CodeCells => Cells.Count(c => c.Cell.Kind == CellKind.Code);

    /// <summary>Number of cells that produced an error.</summary>
    public int Errors => Cells.Count(c => c.Failed);

    /// <summary>True when every cell ran without an error output.</summary>
    public bool Succeeded => Errors == 0;

    /// <summary>The first failed cell, if any.</summary>
    public CellResult? FirstFailure => Cells.FirstOrDefault(c => c.Failed);

    /// <summary>
    /// One line that tells a person where to look: lesson, cell number, the cell's first source line and the
    /// error. Null when the lesson succeeded.
    /// </summary>
    public string? FailureMessage => FirstFailure is { } f
        ? $"{Lesson.Name}: cell {f.Cell.Number} `{f.Cell.FirstLine}` failed: {f.Error}"
        : null;
}
