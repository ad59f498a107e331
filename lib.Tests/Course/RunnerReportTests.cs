using System.Globalization;
using CourseKit.Runner;

namespace CourseKit.Tests.Course;

/// <summary>
/// The runner's printed times (issue 7): each lesson's cells alone and its time with the kernel's start, so the
/// lesson run-time target stays visible from the README's runner command. No kernel runs here: the results are
/// built from a fixture notebook with chosen times.
/// </summary>
public sealed class RunnerReportTests
{
    private static LessonResult Result(string fixture, double cellsSeconds)
    {
        var lesson = CourseFolders.Fixture(fixture);
        var notebook = NotebookDocument.Load(lesson.Path);
        var cells = notebook.Cells.Select((c, i) => new CellResult(c, [], TimeSpan.Zero, c.Kind == CellKind.Code ? i + 1 : 0)).ToList();
        return new LessonResult(lesson, notebook, cells, TimeSpan.FromSeconds(cellsSeconds));
    }

    [Fact]
    public void A_lesson_line_gives_the_cells_time_and_the_time_with_the_kernel_start()
    {
        var result = Result("00-fine", 3.124);

        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");   // a decimal comma must not leak into the line
        try
        {
            Assert.Equal(
                $"✔ 00-fine: {result.CodeCells} code cells in 3.12s (3.70s with kernel start)",
                Report.LessonLine(result, TimeSpan.FromSeconds(3.701)));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void The_summary_table_has_both_times_per_lesson_and_their_totals()
    {
        var results = new[] { Result("00-fine", 1.24), Result("02-library", 2.5) };

        var table = Report.SummaryTable(results, [TimeSpan.FromSeconds(1.76), TimeSpan.FromSeconds(3.0)]);

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.EndsWith("seconds  with kernel start", lines[0]);
        Assert.Matches(@"^00-fine\s+\d+\s+0\s+1\.2\s+1\.8$", lines[2]);
        Assert.Matches(@"^02-library\s+\d+\s+0\s+2\.5\s+3\.0$", lines[3]);
        Assert.Matches(@"^total\s+\d+\s+0\s+3\.7\s+4\.8$", lines[5]);
    }

    [Fact]
    public void The_summary_table_refuses_a_time_list_that_does_not_match_the_lessons()
    {
        var results = new[] { Result("00-fine", 1.0) };

        var error = Assert.Throws<ArgumentException>(() => Report.SummaryTable(results, []));
        Assert.Contains("0 times for 1 lessons", error.Message);
    }
}
