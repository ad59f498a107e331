using System.Diagnostics;
using System.Text.Json.Nodes;

namespace CourseKit.Tests.Course;

/// <summary>
/// Every lesson also runs in dotnet-repl, the same kernel VS Code's Polyglot Notebooks starts, launched from
/// the lesson's folder as a person would: <c>dotnet repl --run NN-topic.ipynb --exit-after-run</c>.
/// (Jupyter is the fourth host; it needs Python, so it is checked by tools/check-hosts, not here.)
/// </summary>
public sealed class HostTests
{
    /// <summary>The pinned tools from dotnet-tools.json, restored once per test run (quick when present).</summary>
    private static readonly Lazy<string> ToolRestore = new(() =>
    {
        var (exit, output) = Run(CourseFolders.Root, TimeSpan.FromMinutes(5), "tool", "restore");
        return exit == 0 ? "" : "dotnet tool restore failed:\n" + output;
    });

    [Theory]
    [MemberData(nameof(LessonTests.Lessons), MemberType = typeof(LessonTests))]
    public void Lesson_runs_in_dotnet_repl_from_its_folder(string name)
    {
        Assert.Equal("", ToolRestore.Value);
        var executed = Path.Combine(CourseFolders.NewTempFolder(), name + ".ipynb");

        var (exit, output) = Run(CourseFolders.Notebooks, TimeSpan.FromMinutes(5),
            "repl", "--run", name + ".ipynb", "--exit-after-run", "--output-path", executed);

        Assert.True(exit == 0, $"dotnet repl exited {exit} on {name}: {Errors(executed)}\n{output}");
    }

    /// <summary>The error outputs dotnet-repl saved, cell by cell: what a person needs to fix the lesson.</summary>
    private static string Errors(string executedNotebook)
    {
        if (!File.Exists(executedNotebook))
        {
            return "(no executed notebook written)";
        }

        var cells = JsonNode.Parse(File.ReadAllText(executedNotebook))!["cells"]!.AsArray();
        var errors = cells.Select((cell, i) => (cell, number: i + 1))
            .SelectMany(c => (c.cell!["outputs"]?.AsArray() ?? [])
                .Where(o => o!["output_type"]?.GetValue<string>() == "error")
                .Select(o => $"cell {c.number}: {o!["evalue"]}"));
        return string.Join("\n", errors);
    }

    private static (int Exit, string Output) Run(string directory, TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
