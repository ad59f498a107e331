using System.Diagnostics;
using AngleSharp.Html.Parser;
using CourseKit.Runner;

namespace CourseKit.Tests.Course;

/// <summary>
/// The harness itself: a deliberately broken notebook must be reported with its lesson, cell number, first
/// source line and error; a single lesson can be run by name; the site works offline.
/// </summary>
[Collection(NotebookKernelCollection.Name)]
public sealed class RunnerHarnessTests
{
    [Fact]
    public async Task A_broken_cell_is_reported_with_lesson_cell_first_line_and_error()
    {
        using var kernel = new LessonKernel();

        var result = await kernel.RunAsync(CourseFolders.Fixture("01-broken"));

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Errors);
        var failure = result.FirstFailure!;
        Assert.Equal(3, failure.Cell.Number);
        Assert.Equal("// a cell that throws", failure.Cell.FirstLine);
        Assert.Contains("deliberately broken", failure.Error);
        Assert.Equal(
            "01-broken: cell 3 `// a cell that throws` failed: " + failure.Error,
            result.FailureMessage);
    }

    [Fact]
    public async Task Cells_after_a_failure_still_run_as_in_every_notebook_host()
    {
        using var kernel = new LessonKernel();

        var result = await kernel.RunAsync(CourseFolders.Fixture("01-broken"));

        var afterFailure = result.Cells.Single(c => c.Cell.Number == 4);
        var value = Assert.IsType<DisplayOutput>(Assert.Single(afterFailure.Outputs));
        Assert.Contains("42", string.Concat(value.Data.Values));
        var compileError = result.Cells.Single(c => c.Cell.Number == 5);
        Assert.Contains("undefinedName", compileError.Error);
    }

    [Fact]
    public async Task Outputs_are_collected_in_order_with_their_mime_types()
    {
        using var kernel = new LessonKernel();

        var result = await kernel.RunAsync(CourseFolders.Fixture("00-fine"));

        Assert.True(result.Succeeded, result.FailureMessage);
        var stdout = Assert.IsType<StreamOutput>(Assert.Single(result.Cells[1].Outputs));
        Assert.Equal("fork & exec\n", stdout.Text);
        var view = Assert.IsType<DisplayOutput>(Assert.Single(result.Cells[2].Outputs));
        Assert.False(view.IsResult);
        Assert.Equal("<p class=\"fixture-view\">drawn by a view</p>", view.Data["text/html"]);
        var returned = Assert.IsType<DisplayOutput>(Assert.Single(result.Cells[3].Outputs));
        Assert.True(returned.IsResult);
    }

    [Fact]
    public async Task A_value_made_in_a_lesson_has_the_type_this_process_knows()
    {
        // The test process has CourseKit loaded already; the lesson loads it again by path with #r. One copy
        // must serve both, or values could not cross from one cell to the next (nor into this test).
        using var kernel = new LessonKernel();

        var result = await kernel.RunAsync(CourseFolders.Fixture("02-library"));

        Assert.True(result.Succeeded, result.FailureMessage);
        Assert.True(kernel.TryGetVariable("machine", out var machine));
        Assert.IsType<CourseKit.Kernel.Machine>(machine);
        Assert.Single(AppDomain.CurrentDomain.GetAssemblies(), a => !a.IsDynamic && a.GetName().Name == "CourseKit");
    }

    [Fact]
    public void A_lesson_that_uses_the_library_across_cells_runs_in_a_fresh_runner_process()
    {
        // In a process that does not reference CourseKit (the runner, dotnet-repl, Jupyter's kernel) the
        // library is loaded only through #r: a second copy would break the second cell that uses it.
        var run = RunCli("02-library", "--notebooks", CourseFolders.FixtureNotebooks, "--output", CourseFolders.NewTempFolder());

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
    }

    [Fact]
    public void The_command_line_exits_non_zero_naming_lesson_cell_line_and_error()
    {
        var output = CourseFolders.NewTempFolder();

        var run = RunCli("--notebooks", CourseFolders.FixtureNotebooks, "--output", output);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FAILED 01-broken: cell 3 `// a cell that throws` failed:", run.StdErr);
        Assert.Contains("deliberately broken", run.StdErr);
        // progress per cell and the summary table
        Assert.Contains("[1/3] ok", run.StdOut);
        Assert.Matches(@"00-fine\s+3\s+0\s+\d+\.\d", run.StdOut);
        Assert.Matches(@"01-broken\s+4\s+2\s+\d+\.\d", run.StdOut);
        Assert.Matches(@"02-library\s+3\s+0\s+\d+\.\d", run.StdOut);
    }

    [Fact]
    public void One_lesson_runs_by_name_and_the_site_needs_no_network()
    {
        var output = CourseFolders.NewTempFolder();

        var run = RunCli("00", "--notebooks", CourseFolders.FixtureNotebooks, "--output", output);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.DoesNotContain("01-broken", run.StdOut);
        Assert.False(File.Exists(Path.Combine(output, "01-broken.html")));
        Assert.True(File.Exists(Path.Combine(output, "notebooks", "00-fine.ipynb")));

        var parser = new HtmlParser();
        var index = parser.ParseDocument(File.ReadAllText(Path.Combine(output, "index.html")));
        var link = Assert.Single(index.QuerySelectorAll("table.lessons td:first-child a"));
        Assert.Equal("00-fine.html", link.GetAttribute("href"));
        Assert.Equal("A fine lesson", link.TextContent);

        var page = parser.ParseDocument(File.ReadAllText(Path.Combine(output, "00-fine.html")));
        var scripts = page.Head!.QuerySelectorAll("script").Select(s => s.GetAttribute("src")).ToList();
        var plotly = Assert.Single(scripts);
        Assert.Equal("plotly-2.28.0.min.js", plotly);
        Assert.True(new FileInfo(Path.Combine(output, plotly!)).Length > 1_000_000, "plotly.js was not written in full");
        Assert.DoesNotContain(page.QuerySelectorAll("script[src], link[href]"),
            e => (e.GetAttribute("src") ?? e.GetAttribute("href"))!.Contains("//", StringComparison.Ordinal));
        // markdown rendered, links between notebooks point at pages, code shown, outputs kept
        Assert.Equal("A fine lesson", page.QuerySelector("section.markdown h1")?.TextContent);
        Assert.Equal("01-broken.html", page.QuerySelector("section.markdown a")?.GetAttribute("href"));
        Assert.Contains("Console.WriteLine(greeting);", page.QuerySelector("section.code pre code")?.TextContent);
        Assert.Equal("drawn by a view", page.QuerySelector(".output p.fixture-view")?.TextContent);
        Assert.Equal("fork & exec\n", page.QuerySelector(".output pre.stdout")?.TextContent);
    }

    [Fact]
    public void An_unknown_lesson_name_lists_the_lessons()
    {
        var run = RunCli("no-such-lesson", "--notebooks", CourseFolders.FixtureNotebooks, "--output", CourseFolders.NewTempFolder());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("00-fine, 01-broken, 02-library", run.StdErr);
    }

    private sealed record CliRun(int ExitCode, string StdOut, string StdErr);

    /// <summary>Runs the built runner as a person would, in its own process.</summary>
    private static CliRun RunCli(params string[] args)
    {
        var runner = Path.Combine(CourseFolders.Root, "artifacts", "bin", "CourseRunner", "debug", "CourseRunner.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = CourseFolders.Root };
        start.ArgumentList.Add(runner);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the course runner did not finish within 3 minutes");
        }

        return new CliRun(process.ExitCode, stdout.Result, stderr.Result);
    }
}
