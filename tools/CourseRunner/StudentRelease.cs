using System.Text.Json;
using System.Text.Json.Nodes;

namespace CourseKit.Runner;

/// <summary>
/// Solutions in lessons, nbgrader style: the lines between <c>// ### BEGIN SOLUTION</c> and
/// <c>// ### END SOLUTION</c> of a code cell are the instructor's answer. The student release replaces each
/// such block (markers included) with one TODO line at the same indentation. Exercises declare their answer
/// as null before the block, so in the release the answer stays null and the check says "not done yet":
/// the release runs, it just has nothing to judge.
/// </summary>
public static class SolutionBlocks
{
    /// <summary>The line that opens a solution (after optional indentation).</summary>
    public const string Begin = "// ### BEGIN SOLUTION";

    /// <summary>The line that closes a solution.</summary>
    public const string End = "// ### END SOLUTION";

    /// <summary>What a solution becomes in the student release.</summary>
    public const string Stub = "// TODO: write your answer here, then run the cell (the check below says \"not done yet\" until you do)";

    /// <summary>
    /// <paramref name="source"/> with every solution block replaced by the TODO stub, and how many blocks there
    /// were. Throws <see cref="InvalidDataException"/> naming <paramref name="origin"/> and the line for a block
    /// that is not closed, closed twice or opened inside another.
    /// </summary>
    public static (string Source, int Blocks) Strip(string source, string origin)
    {
        ArgumentNullException.ThrowIfNull(source);
        var lines = source.Split('\n');
        var kept = new List<string>(lines.Length);
        int blocks = 0;
        int? openedAt = null;
        for (int i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed == Begin)
            {
                if (openedAt is { } open)
                    throw new InvalidDataException($"{origin} line {i + 1}: a solution block opens inside the one opened at line {open}");
                openedAt = i + 1;
                var indent = lines[i][..(lines[i].Length - lines[i].TrimStart().Length)];
                kept.Add(indent + Stub + (lines[i].EndsWith('\r') ? "\r" : ""));
                blocks++;
            }
            else if (trimmed == End)
            {
                if (openedAt is null) throw new InvalidDataException($"{origin} line {i + 1}: '{End}' without a '{Begin}' before it");
                openedAt = null;
            }
            else if (openedAt is null)
            {
                kept.Add(lines[i]);
            }
        }
        if (openedAt is { } unclosed) throw new InvalidDataException($"{origin} line {unclosed}: the solution block is never closed with '{End}'");
        return (string.Join('\n', kept), blocks);
    }

    /// <summary>
    /// The notebook JSON of a lesson with every code cell's solutions replaced (markdown and metadata untouched),
    /// and the number of solution blocks replaced.
    /// </summary>
    public static (string Json, int Blocks) StripNotebook(string json, string origin)
    {
        var root = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{origin}: not a notebook");
        var cells = root["cells"] as JsonArray ?? throw new InvalidDataException($"{origin}: no \"cells\" array");
        int blocks = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i] is not JsonObject cell || cell["cell_type"]?.GetValue<string>() != "code") continue;
            var (source, count) = Strip(NotebookDocument.SourceText(cell["source"]), $"{origin} cell {i + 1}");
            if (count == 0) continue;
            blocks += count;
            var lines = new JsonArray();
            var split = source.Split('\n');
            for (int j = 0; j < split.Length; j++)
            {
                var line = j < split.Length - 1 ? split[j] + "\n" : split[j];
                if (line.Length > 0) lines.Add(line);
            }
            cell["source"] = lines;
        }
        return (root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", blocks);
    }
}

/// <summary>
/// The student release: a folder to hand out. <c>notebooks/</c> holds every lesson with its solutions replaced by
/// TODO stubs; <c>artifacts/bin/CourseKit/debug/</c> holds a copy of the built library, where the lessons' setup
/// cell looks for it, and <c>datasets/</c> the real-kernel data, so the folder runs as it is, in any host, with
/// no build step.
/// </summary>
public static class StudentRelease
{
    /// <summary>The library folder, relative to a course root (what the setup cell's <c>#r</c> points into).</summary>
    public static readonly string LibraryFolder = Path.Combine("artifacts", "bin", "CourseKit", "debug");

    /// <summary>
    /// Writes the release of <paramref name="lessons"/> under <paramref name="outputDirectory"/> (replacing an older
    /// release there), copying the library built under <paramref name="root"/>. Returns the released lessons.
    /// </summary>
    public static IReadOnlyList<(Lesson Lesson, int Blocks)> Write(string root, IReadOnlyList<Lesson> lessons, string outputDirectory)
    {
        var library = Path.Combine(root, LibraryFolder);
        if (!File.Exists(Path.Combine(library, "CourseKit.dll")))
            throw new FileNotFoundException($"no built library in {library}: run `dotnet build CourseKit.sln` first");
        var notebooks = Path.Combine(outputDirectory, "notebooks");
        if (Directory.Exists(notebooks)) Directory.Delete(notebooks, recursive: true);
        Directory.CreateDirectory(notebooks);
        var released = new List<(Lesson, int)>();
        foreach (var lesson in lessons)
        {
            var (json, blocks) = SolutionBlocks.StripNotebook(File.ReadAllText(lesson.Path), lesson.Name);
            var path = Path.Combine(notebooks, Path.GetFileName(lesson.Path));
            File.WriteAllText(path, json);
            released.Add((new Lesson(lesson.Name, path), blocks));
        }
        CopyFolder(library, Path.Combine(outputDirectory, LibraryFolder));
        // Lessons read real-kernel data (RealKernel finds the datasets folder by walking up from the lesson).
        var datasets = Path.Combine(root, "datasets");
        if (Directory.Exists(datasets)) CopyFolder(datasets, Path.Combine(outputDirectory, "datasets"));
        File.WriteAllText(Path.Combine(outputDirectory, "README.md"), Readme);
        return released;
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    private const string Readme = """
        # CourseKit: student release

        The lessons are in `notebooks/`; open one in Jupyter (kernel ".NET (C#)") or VS Code and run the cells in
        order. The library they load is already built, in `artifacts/bin/CourseKit/debug/`.

        Exercises end with a check. Until you replace the TODO line of an exercise with your answer, its check
        says "not done yet"; then it says "passed", or shows what differs and a hint.

        """;
}
