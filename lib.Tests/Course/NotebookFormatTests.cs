using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CourseKit.Tests.Course;

/// <summary>
/// Lessons are stored clean and with the metadata every host expects: no outputs (the site and executed
/// copies hold those), the ".net-csharp" kernelspec Jupyter looks up, and the polyglot metadata VS Code's
/// Polyglot Notebooks extension writes (values from shared/reference/notebook-platform.md).
/// </summary>
public sealed partial class NotebookFormatTests
{
    private static readonly JsonNode ExpectedKernelspec = JsonNode.Parse(
        """{"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}""")!;

    private static readonly JsonNode ExpectedKernelInfo = JsonNode.Parse(
        """{"defaultKernelName": "csharp", "items": [{"name": "csharp", "aliases": []}]}""")!;

    /// <summary>Every notebook in notebooks/: the lessons and the template.</summary>
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(CourseFolders.Notebooks, "*.ipynb").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_stored_without_outputs(string file)
    {
        foreach (var (cell, number) in CodeCells(file))
        {
            Assert.True(cell["outputs"] is JsonArray { Count: 0 }, $"{file} cell {number} has stored outputs: clear them before committing");
            Assert.True(cell["execution_count"] is null, $"{file} cell {number} has an execution count: clear outputs before committing");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_has_the_net_csharp_kernelspec_and_polyglot_metadata(string file)
    {
        var metadata = Load(file)["metadata"]!;

        Assert.True(JsonNode.DeepEquals(ExpectedKernelspec, metadata["kernelspec"]), $"{file} kernelspec: {metadata["kernelspec"]?.ToJsonString()}");
        Assert.Equal("polyglot-notebook", metadata["language_info"]?["name"]?.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(ExpectedKernelInfo, metadata["polyglot_notebook"]?["kernelInfo"]),
            $"{file} polyglot_notebook.kernelInfo: {metadata["polyglot_notebook"]?["kernelInfo"]?.ToJsonString()}");
        Assert.Equal(4, Load(file)["nbformat"]?.GetValue<int>());
        foreach (var (cell, number) in CodeCells(file))
        {
            Assert.True(cell["metadata"]?["polyglot_notebook"]?["kernelName"]?.GetValue<string>() == "csharp",
                $"{file} cell {number}: metadata.polyglot_notebook.kernelName must be \"csharp\"");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_starts_with_the_same_setup_cell_as_the_template(string file)
    {
        var setup = FirstCodeSource("_template.ipynb");
        Assert.StartsWith("#r \"../artifacts/bin/CourseKit/debug/CourseKit.dll\"", setup);

        Assert.Equal(setup, FirstCodeSource(file));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_needs_no_network_once_the_library_is_built(string file)
    {
        // Packages come with the library (its dependencies are copied next to CourseKit.dll); a lesson that
        // restored a package or a feed itself would fail in a dev container without network.
        foreach (var (cell, number) in CodeCells(file))
        {
            var source = Source(cell);
            Assert.False(source.Contains("nuget:", StringComparison.OrdinalIgnoreCase), $"{file} cell {number} loads a NuGet package");
            Assert.False(source.TrimStart().StartsWith("#i", StringComparison.Ordinal), $"{file} cell {number} adds a package source");
            Assert.False(source.Contains("http://", StringComparison.Ordinal) || source.Contains("https://", StringComparison.Ordinal),
                $"{file} cell {number} reaches the network");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_is_a_lesson_named_NN_topic_or_the_template(string file)
    {
        Assert.True(file == "_template.ipynb" || LessonName().IsMatch(file),
            $"{file}: lessons are named like 03-copy-on-write.ipynb (two digits, a dash, lower-case words)");
    }

    private static JsonNode Load(string file) => JsonNode.Parse(File.ReadAllText(Path.Combine(CourseFolders.Notebooks, file)))!;

    private static IEnumerable<(JsonNode Cell, int Number)> CodeCells(string file) =>
        Load(file)["cells"]!.AsArray()
            .Select((cell, i) => (Cell: cell!, Number: i + 1))
            .Where(c => c.Cell["cell_type"]?.GetValue<string>() == "code");

    private static string FirstCodeSource(string file) =>
        Source(CodeCells(file).Select(c => c.Cell).FirstOrDefault() ?? throw new InvalidOperationException($"{file} has no code cell"));

    /// <summary>nbformat stores source as one string or a list of lines.</summary>
    private static string Source(JsonNode cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l!.GetValue<string>())),
        var s => s!.GetValue<string>(),
    };

    [GeneratedRegex(@"^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.ipynb$")]
    private static partial Regex LessonName();
}
