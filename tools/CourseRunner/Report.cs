using System.Globalization;
using System.Text;

namespace CourseKit.Runner;

/// <summary>The text the console runner prints: progress lines and the summary table.</summary>
public static class Report
{
    /// <summary>One line per executed cell: "  [2/5] ok    0.4s  var m = Machine.Boot(...)".</summary>
    public static string ProgressLine(CellProgress p)
    {
        var r = p.Result;
        var status = r.Failed ? "ERROR" : "ok";
        return string.Create(
            CultureInfo.InvariantCulture,
            $"  [{r.ExecutionCount}/{p.CodeCellCount}] {status,-5} {r.Elapsed.TotalSeconds,5:0.0}s  cell {r.Cell.Number}: {Shorten(r.Cell.FirstLine, 70)}");
    }

    /// <summary>The summary table: lesson, code cells, errors, seconds; and a total line.</summary>
    public static string SummaryTable(IReadOnlyList<LessonResult> results)
    {
        var width = Math.Max("lesson".Length, results.Select(r => r.Lesson.Name.Length).DefaultIfEmpty(0).Max());
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"lesson".PadRight(width)}  {"cells",5}  {"errors",6}  {"seconds",7}");
        text.AppendLine(new string('-', width + 24));
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{r.Lesson.Name.PadRight(width)}  {r.CodeCells,5}  {r.Errors,6}  {r.Elapsed.TotalSeconds,7:0.0}");
        }

        text.AppendLine(new string('-', width + 24));
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{"total".PadRight(width)}  {results.Sum(r => r.CodeCells),5}  {results.Sum(r => r.Errors),6}  {results.Sum(r => r.Elapsed.TotalSeconds),7:0.0}");
        return text.ToString();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
