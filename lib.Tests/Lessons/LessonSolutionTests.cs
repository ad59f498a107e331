using System.Text.RegularExpressions;
using CourseKit.Runner;
using CourseKit.Tests.Course;

namespace CourseKit.Tests.Lessons;

/// <summary>
/// Exercises are honest both ways: with the instructor's solutions in place every check in a lesson passes
/// (a broken solution or check fails CI), and in the student release, where each solution is a TODO stub, the
/// lesson still runs with zero errors and its checks say "not done yet", never "failed".
/// </summary>
[Collection(NotebookKernelCollection.Name)]
public sealed partial class LessonSolutionTests
{
    /// <summary>The lessons that have exercises (solution blocks).</summary>
    public static TheoryData<string> LessonsWithExercises()
    {
        var data = new TheoryData<string>();
        foreach (var lesson in CourseFolders.Lessons)
        {
            if (File.ReadAllText(lesson.Path).Contains(SolutionBlocks.Begin, StringComparison.Ordinal)) data.Add(lesson.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LessonsWithExercises))]
    public async Task Every_check_passes_with_the_solutions_and_the_student_release_runs_with_checks_not_done(string name)
    {
        var lesson = Lesson.Find(CourseFolders.Lessons, name);
        using (var kernel = new LessonKernel())
        {
            var solved = await kernel.RunAsync(lesson);
            Assert.True(solved.Succeeded, solved.FailureMessage);
            var outcomes = Outcomes(solved);
            Assert.True(outcomes.Count >= 3, $"{name} has {outcomes.Count} checks; a lesson needs at least three exercises");
            Assert.All(outcomes, o => Assert.True(o.Outcome == "passed", $"{name} cell {o.Cell}: the check says {o.Outcome} with the solutions in place"));
        }

        var release = CourseFolders.NewTempFolder();
        try
        {
            var released = StudentRelease.Write(CourseFolders.Root, [lesson], release);
            var (stub, blocks) = Assert.Single(released);
            Assert.True(blocks >= 3, $"{name}: {blocks} solution blocks");
            Assert.DoesNotContain(SolutionBlocks.Begin, File.ReadAllText(stub.Path));

            using var kernel = new LessonKernel();
            var run = await kernel.RunAsync(stub);
            Assert.True(run.Succeeded, "student release: " + run.FailureMessage);
            var outcomes = Outcomes(run);
            Assert.DoesNotContain(outcomes, o => o.Outcome == "failed");
            Assert.True(outcomes.Count(o => o.Outcome == "not-done") >= blocks,
                $"{name} release: {outcomes.Count(o => o.Outcome == "not-done")} checks say not done, for {blocks} stubs");
        }
        finally
        {
            Directory.Delete(release, recursive: true);
        }
    }

    private static List<(int Cell, string Outcome)> Outcomes(LessonResult result) =>
        [.. result.Cells.SelectMany(c => c.Outputs.OfType<DisplayOutput>()
            .SelectMany(o => o.Data.TryGetValue("text/html", out var html) ? CheckMarker().Matches(html).Select(m => m.Groups[1].Value) : [])
            .Select(outcome => (c.Cell.Number, outcome)))];

    [GeneratedRegex("""<div class="ck ck-check[^"]*" data-check="([a-z-]+)">""")]
    private static partial Regex CheckMarker();
}
