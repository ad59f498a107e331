using CourseKit.Runner;

namespace CourseKit.Tests.Course;

/// <summary>
/// Tests that run notebooks share process-wide state: the working directory (the kernel resolves #r paths
/// against it) and .NET Interactive's static Formatter. They must not run in parallel with each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookKernelCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "notebook kernel";
}

/// <summary>Where the course and the test fixtures are, found from the test's output folder.</summary>
internal static class CourseFolders
{
    public static string Root { get; } = CourseRepository.FindRoot(AppContext.BaseDirectory);

    public static string Notebooks { get; } = Path.Combine(Root, "notebooks");

    public static string Fixtures { get; } = Path.Combine(Root, "lib.Tests", "Course", "Fixtures");

    public static string FixtureNotebooks { get; } = Path.Combine(Fixtures, "notebooks");

    /// <summary>The template instructors copy to start a lesson; not itself a lesson.</summary>
    public static string Template { get; } = Path.Combine(Notebooks, "_template.ipynb");

    public static IReadOnlyList<Lesson> Lessons => Lesson.Discover(Notebooks);

    public static Lesson Fixture(string name) => Lesson.Find(Lesson.Discover(FixtureNotebooks), name);

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string NewTempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "coursekit-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
