using System.Globalization;
using System.Text;

namespace CourseKit.Runner;

/// <summary>The text the console runner prints: progress lines and the summary table.</summary>
public static class Report
{
    /// <summary>One line per executed cell: "  [2/5] ok     0.41s  var m = Machine.Boot(...)" (hundredths: most cells take well under 0.1 s).</summary>
    public static string ProgressLine(CellProgress p)
    {
        var r = p.Result;
        var status = r.Failed ? "ERROR" : "ok";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  [{r.ExecutionCount}/{p.CodeCellCount}] {status,-5} {r.Elapsed.TotalSeconds,5:0.00}s  cell {r.Cell.Number}: {Shorten(r.Cell.FirstLine, 70)}");
    }

    /// <summary>
    /// The line printed after a lesson ran cleanly: "✔ 08-real-kernel: 15 code cells in 3.12s (3.70s with kernel
    /// start)". The first time is the cells alone; the second counts from before the lesson's kernel was
    /// constructed, like a fresh "Restart kernel, Run All".
    /// </summary>
    public static string LessonLine(LessonResult result, TimeSpan withKernelStart) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"✔ {result.Lesson.Name}: {result.CodeCells} code cells in {result.Elapsed.TotalSeconds:0.00}s ({withKernelStart.TotalSeconds:0.00}s with kernel start)");

    /// <summary>The last line: the runner process's wall time since the runtime started it.</summary>
    public static string ProcessLine(TimeSpan sinceStart) =>
        string.Create(CultureInfo.InvariantCulture, $"runner process: {sinceStart.TotalSeconds:0.0}s since it started (runtime start, kernels, cells, site)");

    /// <summary>
    /// The summary table: lesson, code cells, errors, seconds of the cells, seconds with the kernel's start;
    /// and a total line. <paramref name="withKernelStart"/> holds one time per result, in the same order.
    /// </summary>
    public static string SummaryTable(IReadOnlyList<LessonResult> results, IReadOnlyList<TimeSpan> withKernelStart)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(withKernelStart);
        if (withKernelStart.Count != results.Count)
        {
            throw new ArgumentException($"{withKernelStart.Count} times for {results.Count} lessons", nameof(withKernelStart));
        }

        var width = Math.Max("lesson".Length, results.Select(r => r.Lesson.Name.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"lesson".PadRight(width)}  {"cells",5}  {"errors",6}  {"seconds",7}  {"with kernel start",17}");
        text.AppendLine(new string('-', width + 43));
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Lesson.Name.PadRight(width)}  {r.CodeCells,5}  {r.Errors,6}  {r.Elapsed.TotalSeconds,7:0.0}  {withKernelStart[i].TotalSeconds,17:0.0}");
        }

        text.AppendLine(new string('-', width + 43));
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"total".PadRight(width)}  {results.Sum(r => r.CodeCells),5}  {results.Sum(r => r.Errors),6}  {results.Sum(r => r.Elapsed.TotalSeconds),7:0.0}  {withKernelStart.Sum(t => t.TotalSeconds),17:0.0}");
        return text.ToString();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
