using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace CourseKit.Bench;

/// <summary>A course runner run: the seconds it printed per lesson, its wall time and whether every cell ran.</summary>
internal sealed record RunnerRun(string What, IReadOnlyDictionary<string, double> LessonSeconds, double WallSeconds, bool Succeeded, string Output);

/// <summary>The two ways a notebook is run headless, each as a fresh process, the way a person would start it.</summary>
internal enum Host
{
    /// <summary>tools/CourseRunner, one lesson per process (<c>dotnet CourseRunner.dll NN</c> from the repository root).</summary>
    CourseRunner,

    /// <summary><c>dotnet repl --run X.ipynb --exit-after-run</c> from the notebook's folder (the kernel VS Code's Polyglot Notebooks uses).</summary>
    DotnetRepl,
}

/// <summary>
/// One fresh headless process running one notebook: its wall time (process start, runtime start, kernel start,
/// cells, writing the output), and for the course runner the two times it prints itself: the cells alone and
/// the time from before the lesson's kernel was constructed.
/// </summary>
internal sealed record HeadlessSample(double WallSeconds, double? CellsSeconds, double? WithKernelStartSeconds, bool Succeeded, string Output);

/// <summary>
/// Every sample of one notebook in one host, in the order they were taken. For a lesson, <paramref name="Trivial"/>
/// holds the trivial notebook's run taken just before each of its runs, in the same host (same index).
/// </summary>
internal sealed record HeadlessTiming(string Notebook, Host Host, IReadOnlyList<HeadlessSample> Samples, IReadOnlyList<HeadlessSample> Trivial)
{
    /// <summary>True when every run of the notebook (and of the trivial notebook next to it) exited cleanly.</summary>
    public bool Succeeded => Samples.Count > 0 && Samples.Concat(Trivial).All(s => s.Succeeded);

    /// <summary>Median wall time of the fresh processes: what issue 7's run-time target compares.</summary>
    public double? Wall => CourseTimings.Median(Samples.Select(s => (double?)s.WallSeconds));

    /// <summary>Median wall time of the trivial notebook's runs taken next to this notebook's.</summary>
    public double? TrivialWall => CourseTimings.Median(Trivial.Select(s => (double?)s.WallSeconds));

    /// <summary>
    /// Median of the per-run ratios (this notebook's wall time over the trivial notebook's run just before it):
    /// the two processes ran a few seconds apart, so a change in the shared machine's load touches both.
    /// </summary>
    public double? WallRatio => CourseTimings.Median(Samples.Zip(Trivial, (s, t) => (double?)(s.WallSeconds / t.WallSeconds)));

    /// <summary>Median of the runner's own "cells only" seconds (kernel already started); null for dotnet-repl.</summary>
    public double? Cells => CourseTimings.Median(Samples.Select(s => s.CellsSeconds));

    /// <summary>Median of the per-run ratios of the cells-only seconds to the trivial notebook's; null for dotnet-repl.</summary>
    public double? CellsRatio => CourseTimings.Median(Samples.Zip(Trivial, (s, t) => s.CellsSeconds / t.CellsSeconds));

    /// <summary>Median of the runner's "with kernel start" seconds; null for dotnet-repl.</summary>
    public double? WithKernelStart => CourseTimings.Median(Samples.Select(s => s.WithKernelStartSeconds));

    /// <summary>The output of the first failed run, for the report.</summary>
    public string? FailedOutput => Samples.Concat(Trivial).FirstOrDefault(s => !s.Succeeded)?.Output;
}

/// <summary>
/// Lesson run times, measured as issue 7's target says: each notebook's headless run, as a fresh process, next
/// to a trivial one-cell notebook (bench/notebooks/00-trivial.ipynb) run the same way. Kernel start dominates
/// such a run, so it is part of what is timed. Two hosts: the course runner (one lesson per process) and
/// dotnet-repl from the notebook's folder. Each lesson run is paired with a run of the trivial notebook taken
/// just before it in the same host, so the load of the shared machine, which drifts over minutes, touches both
/// alike; the rounds repeat that for every lesson and the report takes medians. The runner also prints the
/// cells-only time (kernel already started), kept as a separate, labelled figure.
/// </summary>
internal static partial class CourseTimings
{
    /// <summary>The trivial notebook's name, as the report shows it.</summary>
    public const string Trivial = "00-trivial";

    [GeneratedRegex(@"^✔ (?<name>\S+): \d+ code cells in (?<seconds>[0-9.]+)s(?: \((?<start>[0-9.]+)s with kernel start\))?", RegexOptions.Multiline)]
    private static partial Regex LessonLine();

    /// <summary>Builds the runner (and the Debug library the lessons load) the way the README's command does.</summary>
    public static void BuildRunner(string root)
    {
        if (Exec("dotnet", ["build", "tools/CourseRunner/CourseRunner.csproj", "--nologo", "-v", "q"], root, out var output) != 0)
            throw new InvalidOperationException($"building the course runner failed:\n{output}");
    }

    /// <summary>Restores the pinned dotnet-repl (dotnet-tools.json); null when it is ready, else why not.</summary>
    public static string? RestoreRepl(string root) =>
        Exec("dotnet", ["tool", "restore"], root, out var output) == 0 ? null : $"dotnet tool restore failed: {output.Trim()}";

    /// <summary>The lessons of the course (NN-topic.ipynb in notebooks/), by name.</summary>
    public static IReadOnlyList<string> Lessons(string root) =>
        [.. Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Select(Path.GetFileNameWithoutExtension)
            .Where(n => n is not null && LessonName().IsMatch(n)).Order().Cast<string>()];

    [GeneratedRegex(@"^\d\d-[a-z0-9-]+$")]
    private static partial Regex LessonName();

    /// <summary>
    /// Runs every lesson <paramref name="runs"/> times in each of <paramref name="hosts"/>, each run a fresh
    /// process right after a run of the trivial notebook in the same host. The trivial notebook's timing (every
    /// one of its runs) comes first in the list.
    /// </summary>
    public static IReadOnlyList<HeadlessTiming> MeasureHeadless(string root, IReadOnlyList<string> lessons, int runs, IReadOnlyList<Host> hosts)
    {
        var samples = lessons.SelectMany(n => hosts.Select(h => (n, h))).ToDictionary(k => k, _ => (Runs: new List<HeadlessSample>(), Trivial: new List<HeadlessSample>()));
        for (int round = 1; round <= runs; round++)
        {
            foreach (var lesson in lessons)
            {
                foreach (var host in hosts)
                {
                    Console.WriteLine($"// headless run {round}/{runs}: {Trivial}, then {lesson}, in {Describe(host)}");
                    var (lessonRuns, trivialRuns) = samples[(lesson, host)];
                    trivialRuns.Add(Run(root, host, Trivial));
                    lessonRuns.Add(Run(root, host, lesson));
                }
            }
        }
        var trivial = hosts.Select(h => new HeadlessTiming(Trivial, h, [.. lessons.SelectMany(l => samples[(l, h)].Trivial)], []));
        return [.. trivial, .. samples.Select(kv => new HeadlessTiming(kv.Key.n, kv.Key.h, kv.Value.Runs, kv.Value.Trivial))];
    }

    private static HeadlessSample Run(string root, Host host, string notebook) =>
        host == Host.CourseRunner ? RunInRunner(root, notebook) : RunInRepl(root, notebook);

    /// <summary>How the report names a host.</summary>
    public static string Describe(Host host) => host switch
    {
        Host.CourseRunner => "the course runner",
        _ => "dotnet-repl",
    };

    private static HeadlessSample RunInRunner(string root, string notebook)
    {
        string[] which = notebook == Trivial ? ["--notebooks", "bench/notebooks", Trivial] : [notebook];
        var dll = Path.Combine(root, "artifacts", "bin", "CourseRunner", "debug", "CourseRunner.dll");
        var clock = Stopwatch.StartNew();
        int code = Exec("dotnet", [dll, .. which, "--output", "artifacts/bench/course-alone"], root, out string output);
        double wall = clock.Elapsed.TotalSeconds;
        var line = LessonLine().Match(output);
        double? cells = line.Success ? Parse(line.Groups["seconds"].Value) : null;
        double? withStart = line.Success && line.Groups["start"].Success ? Parse(line.Groups["start"].Value) : null;
        return new HeadlessSample(wall, cells, withStart, code == 0 && line.Success, output);
    }

    private static HeadlessSample RunInRepl(string root, string notebook)
    {
        var folder = Path.Combine(root, notebook == Trivial ? Path.Combine("bench", "notebooks") : "notebooks");
        var saved = Path.Combine(root, "artifacts", "bench", "repl", notebook + ".ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
        var clock = Stopwatch.StartNew();
        int code = Exec("dotnet", ["repl", "--run", notebook + ".ipynb", "--exit-after-run", "--output-path", saved], folder, out string output);
        return new HeadlessSample(clock.Elapsed.TotalSeconds, null, null, code == 0, output);
    }

    /// <summary>Runs the built runner with <paramref name="args"/> from the repository root.</summary>
    public static RunnerRun Run(string root, string what, params string[] args)
    {
        var log = Path.Combine(root, "artifacts", "bench", "runner-" + string.Concat(what.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')) + ".log");
        var dll = Path.Combine(root, "artifacts", "bin", "CourseRunner", "debug", "CourseRunner.dll");
        var clock = Stopwatch.StartNew();
        int code = Exec("dotnet", [dll, .. args], root, out string output);
        double wall = clock.Elapsed.TotalSeconds;
        var seconds = LessonLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => Parse(m.Groups["seconds"].Value));
        File.WriteAllText(log, output);
        return new RunnerRun(what, seconds, wall, code == 0, output);
    }

    /// <summary>The median of the values present; null when none is.</summary>
    public static double? Median(IEnumerable<double?> values)
    {
        var v = values.OfType<double>().Order().ToArray();
        if (v.Length == 0) return null;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static double Parse(string text) => double.Parse(text, CultureInfo.InvariantCulture);

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
