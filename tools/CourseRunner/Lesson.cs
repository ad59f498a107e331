using System.Text.RegularExpressions;

namespace CourseKit.Runner;

/// <summary>A lesson notebook: <c>notebooks/NN-topic.ipynb</c>.</summary>
/// <param name="Name">The file name without extension, e.g. "00-start-here".</param>
/// <param name="Path">Full path of the .ipynb file.</param>
public sealed partial record Lesson(string Name, string Path)
{
    /// <summary>The lesson's folder: the kernel's working directory, as in VS Code and Jupyter.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>
    /// The lessons in a folder, in course order. A lesson's file name starts with two digits and a dash;
    /// anything else (the template <c>_template.ipynb</c>, scratch notebooks) is not part of the course.
    /// </summary>
    public static IReadOnlyList<Lesson> Discover(string notebooksDirectory) =>
        System.IO.Directory.EnumerateFiles(notebooksDirectory, "*.ipynb")
            .Where(p => LessonFileName().IsMatch(System.IO.Path.GetFileName(p)))
            .Order(StringComparer.Ordinal)
            .Select(p => new Lesson(System.IO.Path.GetFileNameWithoutExtension(p), System.IO.Path.GetFullPath(p)))
            .ToList();

    /// <summary>
    /// Finds lessons by name: the full name ("00-start-here"), the file name ("00-start-here.ipynb") or its
    /// number ("00"). Throws with the list of lessons when nothing matches.
    /// </summary>
    public static Lesson Find(IReadOnlyList<Lesson> lessons, string name)
    {
        var key = name.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) ? name[..^".ipynb".Length] : name;
        key = System.IO.Path.GetFileName(key);
        var matches = lessons.Where(l => l.Name.Equals(key, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
        {
            matches = lessons.Where(l => l.Name.StartsWith(key + "-", StringComparison.OrdinalIgnoreCase)).ToList();
        }

        return matches.Count == 1
            ? matches[0]
            : throw new ArgumentException(
                $"no single lesson named '{name}'; the lessons are: {string.Join(", ", lessons.Select(l => l.Name))}");
    }

    [GeneratedRegex(@"^\d\d-[^/]+\.ipynb$")]
    private static partial Regex LessonFileName();
}
