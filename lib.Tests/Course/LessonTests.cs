using CourseKit.Runner;

namespace CourseKit.Tests.Course;

/// <summary>
/// Every lesson runs top to bottom with zero errors in the in-process kernel, twice in a row in the same
/// kernel: a student who presses Run All a second time must not meet "variable already defined" or a
/// machine left in the state of the first run.
/// </summary>
[Collection(NotebookKernelCollection.Name)]
public sealed class LessonTests
{
    /// <summary>One test case per lesson file.</summary>
    public static TheoryData<string> Lessons()
    {
        var data = new TheoryData<string>();
        foreach (var lesson in CourseFolders.Lessons)
        {
            data.Add(lesson.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lessons))]
    public async Task Lesson_runs_without_errors_and_again_in_the_same_kernel(string name)
    {
        var lesson = Lesson.Find(CourseFolders.Lessons, name);
        using var kernel = new LessonKernel();

        var first = await kernel.RunAsync(lesson);
        Assert.True(first.Succeeded, first.FailureMessage);
        Assert.True(first.CodeCells > 0, $"{name} has no code cells");

        var second = await kernel.RunAsync(lesson);
        Assert.True(second.Succeeded, "second Run All in the same kernel: " + second.FailureMessage);
    }

    [Fact]
    public void The_course_starts_with_lesson_00_and_leaves_out_the_template()
    {
        var names = CourseFolders.Lessons.Select(l => l.Name).ToList();

        Assert.Equal("00-start-here", names.FirstOrDefault());
        Assert.True(File.Exists(CourseFolders.Template), "notebooks/_template.ipynb is missing");
        Assert.DoesNotContain(names, n => n.Contains("template", StringComparison.OrdinalIgnoreCase));
    }
}
