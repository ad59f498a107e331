using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CourseKit.Bench;

/// <summary>A course runner run: the seconds it printed per lesson, its wall time and whether every cell ran.</summary>
internal sealed record RunnerRun(string What, IReadOnlyDictionary<string, double> LessonSeconds, double WallSeconds, bool Succeeded, string Output);

/// <summary>
/// Lesson run times as the course runner (tools/CourseRunner) measures and prints them: a trivial one-cell
/// notebook (bench/notebooks/00-trivial.ipynb: kernel start and the first C# compilation, nothing else), each
/// lesson alone in its own runner process (run the same way as the trivial notebook), and the whole course
/// in one runner process, whose wall time includes start-up and writing the site.
/// </summary>
internal static partial class CourseTimings
{
    [GeneratedRegex(@"^✔ (?<name>\S+): \d+ code cells in (?<seconds>[0-9.]+)s", RegexOptions.Multiline)]
    private static partial Regex LessonLine();

    /// <summary>Builds the runner (and the Debug library the lessons load) the way the README's command does.</summary>
    public static void BuildRunner(string root)
    {
        if (Exec("dotnet", ["build", "tools/CourseRunner/CourseRunner.csproj", "--nologo", "-v", "q"], root, out var output) != 0)
            throw new InvalidOperationException($"building the course runner failed:\n{output}");
    }

    /// <summary>The lessons of the course (NN-topic.ipynb in notebooks/), by name.</summary>
    public static IReadOnlyList<string> Lessons(string root) =>
        [.. Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && LessonName().IsMatch(n)).Order().Cast<string>()];

    [GeneratedRegex(@"^\d\d-[a-z0-9-]+$")]
    private static partial Regex LessonName();

    /// <summary>Runs the built runner with <paramref name="args"/> from the repository root.</summary>
    public static RunnerRun Run(string root, string what, params string[] args)
    {
        var log = Path.Combine(root, "artifacts", "bench", "runner-" + string.Concat(what.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')) + ".log");
        var dll = Path.Combine(root, "artifacts", "bin", "CourseRunner", "debug", "CourseRunner.dll");
        var clock = Stopwatch.StartNew();
        int code = Exec("dotnet", [dll, .. args], root, out string output);
        double wall = clock.Elapsed.TotalSeconds;
        var seconds = LessonLine().Matches(output).ToDictionary(m => m.Groups["name"].Value,
            m => double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture));
        File.WriteAllText(log, output);
        return new RunnerRun(what, seconds, wall, code == 0, output);
    }

    private static int Exec(string file, string[] args, string directory, out string output)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stderr = process.StandardError.ReadToEndAsync();
        output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output += stderr.Result;
        return process.ExitCode;
    }
}
