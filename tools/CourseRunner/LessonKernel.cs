using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace CourseKit.Runner;

/// <summary>Progress of a run, one notice per cell; the console runner prints them.</summary>
public sealed record CellProgress(Lesson Lesson, CellResult Result, int CodeCellCount);

/// <summary>
/// A C# kernel like the one VS Code, Jupyter and dotnet-repl start (#r "nuget:", kernel helpers, value
/// sharing), running in this process. One instance is one kernel session: running a lesson twice on the same
/// instance is "Run All" twice without a restart.
/// </summary>
public sealed class LessonKernel : IDisposable
{
    private static readonly object FormatterSetupLock = new();
    private readonly CompositeKernel _kernel;
    private readonly CSharpKernel _csharp;
    private int _executionCount;

    /// <summary>Starts a fresh kernel (what "Restart kernel" gives a student).</summary>
    public LessonKernel()
    {
        ConfigureFormatters();
        var csharp = new CSharpKernel()
            .UseNugetDirective((k, packages) =>
            {
                k.AddAssemblyReferences(packages.SelectMany(p => p.AssemblyPaths));
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing();
        _csharp = csharp;
        _kernel = new CompositeKernel { csharp };
        _kernel.DefaultKernelName = csharp.Name;
    }

    /// <summary>
    /// Runs every code cell of <paramref name="lesson"/> in order from the lesson's folder, like Run All.
    /// Later cells still run after a failure (as in every notebook host), so one run reports every broken cell.
    /// </summary>
    public async Task<LessonResult> RunAsync(
        Lesson lesson,
        IProgress<CellProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var notebook = NotebookDocument.Load(lesson.Path);
        var codeCells = notebook.Cells.Count(c => c.Kind == CellKind.Code);
        var results = new List<CellResult>(notebook.Cells.Count);
        var total = Stopwatch.StartNew();

        // The kernel resolves relative #r paths against the process's working directory, which VS Code and
        // Jupyter set to the notebook's folder. That directory is process-wide: run lessons one at a time.
        var previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(lesson.Directory);
        try
        {
            foreach (var cell in notebook.Cells)
            {
                CellResult result;
                if (cell.Kind == CellKind.Code)
                {
                    result = await RunCellAsync(cell, cancellationToken);
                }
                else
                {
                    result = new CellResult(cell, [], TimeSpan.Zero, 0);
                }

                results.Add(result);
                if (cell.Kind == CellKind.Code)
                {
                    progress?.Report(new CellProgress(lesson, result, codeCells));
                }
            }
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }

        return new LessonResult(lesson, notebook, results, total.Elapsed);
    }

    private async Task<CellResult> RunCellAsync(NotebookCell cell, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var command = new SubmitCode(cell.Source, cell.KernelName);
        var result = await _kernel.SendAsync(command, cancellationToken);
        var outputs = new List<CellOutput>();
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case ErrorProduced error:
                    outputs.Add(new ErrorOutput("Error", error.Message, []));
                    break;
                case StandardOutputValueProduced stdout:
                    AppendStream(outputs, "stdout", PlainText(stdout));
                    break;
                case StandardErrorValueProduced stderr:
                    AppendStream(outputs, "stderr", PlainText(stderr));
                    break;
                case DisplayedValueUpdated updated:
                    var index = outputs.FindIndex(o => o is DisplayOutput d && d.DisplayId == updated.ValueId);
                    var replacement = Display(updated, isResult: false);
                    if (index >= 0)
                    {
                        outputs[index] = replacement;
                    }
                    else
                    {
                        outputs.Add(replacement);
                    }

                    break;
                case ReturnValueProduced returned when returned.Value is not DisplayedValue:
                    outputs.Add(Display(returned, isResult: true));
                    break;
                case DisplayedValueProduced displayed:
                    outputs.Add(Display(displayed, isResult: false));
                    break;
                case CommandFailed failed when failed.Command == command:
                    if (!outputs.OfType<ErrorOutput>().Any(o => o.Message == failed.Message))
                    {
                        outputs.Add(new ErrorOutput(
                            failed.Exception?.GetType().Name ?? "Error",
                            failed.Message,
                            failed.Exception?.StackTrace?.Split('\n') ?? []));
                    }

                    break;
            }
        }

        return new CellResult(cell, outputs, clock.Elapsed, ++_executionCount);
    }

    private static DisplayOutput Display(DisplayEvent e, bool isResult) =>
        new(e.FormattedValues
                .GroupBy(v => v.MimeType)
                .ToDictionary(g => g.Key, g => g.First().Value),
            e.ValueId,
            isResult);

    private static string PlainText(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value
        ?? e.FormattedValues.FirstOrDefault()?.Value
        ?? "";

    private static void AppendStream(List<CellOutput> outputs, string name, string text)
    {
        if (outputs.Count > 0 && outputs[^1] is StreamOutput last && last.Name == name)
        {
            outputs[^1] = last with { Text = last.Text + text };
        }
        else
        {
            outputs.Add(new StreamOutput(name, text));
        }
    }

    /// <summary>
    /// The formatter defaults the notebook front ends set (HTML for objects, plain text for strings), so a
    /// value draws here as it does in VS Code or Jupyter. Formatter settings are process-wide.
    /// </summary>
    private static void ConfigureFormatters()
    {
        lock (FormatterSetupLock)
        {
            Formatter.DefaultMimeType = HtmlFormatter.MimeType;
            Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        }
    }

    /// <summary>
    /// A variable a cell defined, as the object the kernel holds (tests use it to check that a lesson's values
    /// are of the very types this process knows).
    /// </summary>
    public bool TryGetVariable(string name, out object? value) => _csharp.TryGetValue(name, out value);

    /// <inheritdoc />
    public void Dispose() => _kernel.Dispose();
}
