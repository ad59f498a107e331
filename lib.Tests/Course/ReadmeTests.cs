using System.Text.RegularExpressions;

namespace CourseKit.Tests.Course;

/// <summary>The README's lesson list is how a newcomer finds the course: it must match notebooks/.</summary>
public sealed partial class ReadmeTests
{
    private static string Readme => File.ReadAllText(Path.Combine(CourseFolders.Root, "README.md"));

    [Fact]
    public void Readme_lists_every_lesson_and_only_lessons_that_exist()
    {
        var listed = LessonLink().Matches(Readme).Select(m => m.Groups["name"].Value).ToList();
        var lessons = CourseFolders.Lessons.Select(l => l.Name).ToList();

        Assert.Equal(lessons, listed.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Readme_gives_the_two_commands()
    {
        Assert.Contains("dotnet run --project tools/CourseRunner", Readme);
        Assert.Contains("dotnet test CourseKit.sln", Readme);
        Assert.Contains("dotnet test CourseKit.sln", File.ReadAllText(Path.Combine(CourseFolders.Root, ".ci", "run")));
    }

    [GeneratedRegex(@"\]\(notebooks/(?<name>\d\d-[^)/]+)\.ipynb\)")]
    private static partial Regex LessonLink();
}
