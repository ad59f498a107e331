using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace CourseKit.Bench;

/// <summary>One line of the report: a target of issue 7, what was measured, the Linux reference and the verdict.</summary>
internal sealed record TargetRow(string Target, string Measured, string Reference, string Ratio, string Goal, bool? Met);

/// <summary>Everything measured in one run, in the units the report uses.</summary>
internal sealed class Measurements
{
    public required IReadOnlyList<Summary> Summaries { get; init; }
    public IReadOnlyList<ProbeSample> Probe { get; init; } = [];
    public string? ProbeCommand { get; init; }
    public (long Bytes, long Pages)? Retained { get; init; }
    public int? ViewBytes { get; init; }
    public string? ViewProblem { get; init; }
    /// <summary>Headless runs of the trivial notebook and each lesson, fresh processes, per host.</summary>
    public IReadOnlyList<HeadlessTiming> Headless { get; init; } = [];
    /// <summary>Rounds of headless runs (each notebook ran this many times in each host).</summary>
    public int HeadlessRuns { get; init; }
    /// <summary>Why dotnet-repl was not measured, if it was not.</summary>
    public string? ReplProblem { get; init; }
    public RunnerRun? Course { get; init; }
    public required string Command { get; init; }
    public string LoadBefore { get; init; } = "unknown";
    public required string Mode { get; init; }
}

/// <summary>
/// Writes artifacts/bench/report.md from BenchmarkDotNet's summaries (median per operation, allocated bytes
/// from the memory diagnoser) and the reference steps of the same run. No number in it is typed by hand.
/// </summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<TargetRow> Rows(Measurements m)
    {
        var rows = new List<TargetRow>();
        double? realFork = Median(m.Probe, "fork", s => s.ReturnMicroseconds);
        double? realReaped = Median(m.Probe, "fork", s => s.ReapedMicroseconds);
        double? realVfork = Median(m.Probe, "vfork", s => s.ReturnMicroseconds);
        int forkSamples = m.Probe.Count(s => s.SizeMiB == 1024 && s.Method == "fork" && s.Exec == "none");

        string Real(double? us, string what) => us is { } v ? $"{Time(v * 1000)} ({what}, median of {forkSamples})" : "not measured";

        var fork = Benchmark(m, "Fork");
        string forkReference = Real(realFork, "real fork() of 1 GiB until it returns");
        string reapedReference = Real(realReaped, "real fork, _exit, waitpid");
        string vforkReference = Real(realVfork, "real vfork() until the child's _exit lets it return");
        void AddSizeRatio(string target, string oneGiBMethod, string fourGiBMethod, string goal)
        {
            if (Benchmark(m, oneGiBMethod)?.ResultStatistics?.Median is { } small && Benchmark(m, fourGiBMethod)?.ResultStatistics?.Median is { } large)
                rows.Add(new TargetRow(target, $"{Time(large)} vs {Time(small)}", "", $"{(large / small).ToString("0.00", Inv)}×", goal, null));
        }

        rows.Add(Compare("Simulated fork of 262,144 resident pages vs real fork of 1 GiB", fork, realFork, forkReference, 0.5));
        rows.Add(Compare("Simulated fork + exit + wait vs real (262,144 pages / 1 GiB)", Benchmark(m, "ForkExitWait"), realReaped, reapedReference, null));
        rows.Add(Compare("Simulated vfork of 262,144 resident pages vs real vfork of 1 GiB", Benchmark(m, "Vfork"), realVfork, vforkReference, null));
        rows.Add(Compare("Stretch: simulated on-demand fork (shared page-table directories) of 262,144 pages vs real fork of 1 GiB",
            Benchmark(m, "OnDemandFork"), realFork, forkReference, null));
        AddSizeRatio("Stretch: on-demand fork of 1,048,576 pages vs of 262,144 pages (4× the memory)", "OnDemandFork", "OnDemandForkMillion",
            "(one call each: see the steady-state rows)");
        rows.Add(Compare("On-demand fork + one write in the child + exit + wait vs real fork + exit + wait (1 GiB)",
            Benchmark(m, "OnDemandForkWriteExitWait"), realReaped, reapedReference, null));
        rows.Add(Compare("Steady state (many calls): on-demand fork + exit + wait, 262,144 pages, vs real fork + exit + wait (1 GiB)",
            Benchmark(m, "OnDemandForkExitWaitSteady"), realReaped, reapedReference, null));
        AddSizeRatio("Steady state: on-demand fork + exit + wait, 1,048,576 pages vs 262,144 pages (4× the memory)",
            "OnDemandForkExitWaitSteady", "OnDemandForkExitWaitFourGiBSteady", "independent of size (Linux's fork: ≈ 4×)");
        rows.Add(Compare("Steady state: vfork + exit + wait, 262,144 pages, vs real vfork (1 GiB)", Benchmark(m, "VforkExitWaitSteady"), realVfork,
            vforkReference, null));

        var copy = Benchmark(m, "CowCopy");
        rows.Add(Rate("Copy-on-write write faults per second (copy)", copy, 5_000_000));
        rows.Add(Rate("Copy-on-write write faults per second (reuse, no copy)", Benchmark(m, "CowReuse"), null));

        if (m.Retained is { } r)
        {
            double perPage = (double)r.Bytes / r.Pages;
            rows.Add(new TargetRow("Managed memory per resident simulated page (live heap, 1,048,576-page machine)",
                $"{perPage.ToString("0.0", Inv)} B/page ({Mib(r.Bytes)} for {r.Pages.ToString("N0", Inv)} pages)", "", "", "≤ 32 B/page", perPage <= 32));
        }
        var build = Benchmark(m, "BuildMillionPageProcess");
        if (build?.GcStats.GetBytesAllocatedPerOperation(build.BenchmarkCase) is { } allocated)
            rows.Add(new TargetRow("Bytes allocated while building it, per page (all garbage included)",
                $"{((double)allocated / Workload.MillionPages).ToString("0.0", Inv)} B/page ({Mib(allocated)}, build time {Time(build.ResultStatistics?.Median)})",
                "", "", "", null));

        if (m.ViewProblem is not null) rows.Add(new TargetRow("View of a 1,048,576-page process", $"not measured: {m.ViewProblem}", "", "", "≤ 50 ms, ≤ 64 KB", false));
        var view = Benchmark(m, "SnapshotAndRender");
        double? viewMs = view?.ResultStatistics?.Median / 1e6;
        if (view is not null)
            rows.Add(new TargetRow("View of a 1,048,576-page process: render time (snapshot + HTML)", Time(view.ResultStatistics?.Median),
                "", "", "≤ 50 ms", viewMs is { } ms ? ms <= 50 : null));
        foreach (var (method, what) in new[] { ("SnapshotOnly", "of which the snapshot (core)"), ("RenderOnly", "of which the HTML from a snapshot (views)") })
            if (Benchmark(m, method) is { } part)
                rows.Add(new TargetRow($"View of a 1,048,576-page process: {what}", Time(part.ResultStatistics?.Median), "", "", "", null));
        if (m.ViewBytes is { } bytes)
            rows.Add(new TargetRow("View of a 1,048,576-page process: HTML size", $"{(bytes / 1024.0).ToString("0.0", Inv)} KB ({bytes.ToString("N0", Inv)} bytes)",
                "", "", "≤ 64 KB", bytes <= 64 * 1024));

        foreach (var host in new[] { Host.CourseRunner, Host.DotnetRepl })
        {
            if (host == Host.DotnetRepl && m.ReplProblem is not null)
                rows.Add(new TargetRow($"Lessons in dotnet-repl: not measured ({m.ReplProblem})", "", "", "", "≤ 2×", null));
            string how = host == Host.CourseRunner ? "the course runner (`dotnet CourseRunner.dll NN`)" : "dotnet-repl (from the notebook's folder)";
            foreach (var lesson in m.Headless.Where(t => t.Host == host && t.Notebook != CourseTimings.Trivial))
            {
                double? ratio = lesson.WallRatio;
                rows.Add(new TargetRow($"Lesson {lesson.Notebook}, headless in {how}: fresh process, wall time", Seconds(lesson.Samples),
                    $"trivial one-cell notebook, same way: {Seconds(lesson.Trivial)}",
                    ratio is { } x ? x.ToString("0.00", Inv) + "×" : "", "≤ 2×", lesson.Succeeded && ratio <= 2));
                if (!lesson.Succeeded) rows.Add(new TargetRow($"Lesson {lesson.Notebook} in {CourseTimings.Describe(host)}: a run FAILED (output below)", "", "", "", "", false));
            }
        }
        if (m.Course is { } course)
            rows.Add(new TargetRow($"Whole course ({course.LessonSeconds.Count} lessons), one runner process, wall time",
                $"{course.WallSeconds.ToString("0.0", Inv)} s (runner total {course.LessonSeconds.Values.Sum().ToString("0.0", Inv)} s)",
                "", "", $"≤ 180 s on {Environment.ProcessorCount} cores", course.Succeeded && course.WallSeconds <= 180));
        return rows;
    }

    public static string Markdown(Measurements m)
    {
        var md = new StringBuilder();
        md.AppendLine("# CourseKit performance report").AppendLine();
        md.Append(ReadmeSection(m));
        md.AppendLine();
        md.AppendLine("Times are BenchmarkDotNet medians per operation; the real-kernel times are medians of the probe's");
        md.AppendLine("in-process CLOCK_MONOTONIC samples. BenchmarkDotNet's full tables are in artifacts/bench/results/.");
        md.AppendLine();
        foreach (var summary in m.Summaries)
        {
            md.AppendLine(Inv, $"## {summary.Title}").AppendLine();
            md.AppendLine("| Benchmark | Median | Mean | StdDev | Allocated/op | Iterations |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var report in summary.Reports)
            {
                var s = report.ResultStatistics;
                var alloc = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                md.AppendLine(Inv, $"| {report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo} | {Time(s?.Median)} | {Time(s?.Mean)} | {Time(s?.StandardDeviation)} | {(alloc is { } a ? Mib(a) : "")} | {s?.N} |");
            }
            md.AppendLine();
        }
        if (m.Course is { Succeeded: false } course)
            md.AppendLine(Inv, $"Runner output of the failed run ({course.What}):").AppendLine().AppendLine("```").AppendLine(course.Output.Trim()).AppendLine("```").AppendLine();
        foreach (var failed in m.Headless.Where(t => t.FailedOutput is not null))
            md.AppendLine(Inv, $"Output of a failed run ({failed.Notebook} in {CourseTimings.Describe(failed.Host)}):").AppendLine().AppendLine("```").AppendLine(failed.FailedOutput!.Trim()).AppendLine("```").AppendLine();
        return md.ToString();
    }

    /// <summary>
    /// The part of the report the README shows: when and how it was measured, the targets table, and the
    /// cells-only times of the lessons (labelled as not the target's measure).
    /// </summary>
    public static string ReadmeSection(Measurements m)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Generated {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `{m.Command}` ({m.Mode}).");
        md.AppendLine(Inv, $"Machine: {Environment.OSVersion}, {Environment.ProcessorCount} cores, .NET {Environment.Version}; load average (1, 5, 15 min) at the start {m.LoadBefore}, at the end {LoadAverage()}.");
        if (m.ProbeCommand is not null) md.AppendLine(Inv, $"Linux reference: `{m.ProbeCommand}` (datasets/capture/cost.c), run before and after the benchmarks.");
        if (m.Headless.Count > 0)
            md.AppendLine(Inv, $"Lesson times: each lesson run headless {m.HeadlessRuns} times in each host, every run a fresh process (runtime and kernel start included) taken right after a run of the trivial notebook in the same host. Times are medians of the {m.HeadlessRuns} runs (lowest–highest in brackets); a lesson's ratio is the median of its {m.HeadlessRuns} per-run ratios (lesson ÷ the trivial run just before it), so the shared machine's drifting load touches both sides alike.");
        md.AppendLine();
        md.AppendLine("| Target | Measured | Linux reference | Ratio | Goal | Met |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var r in Rows(m))
            md.AppendLine(Inv, $"| {r.Target} | {r.Measured} | {r.Reference} | {r.Ratio} | {r.Goal} | {(r.Met switch { true => "yes", false => "**no**", null => "" })} |");
        md.AppendLine();
        var runner = m.Headless.Where(t => t.Host == Host.CourseRunner).ToList();
        if (runner.Count > 0)
        {
            md.AppendLine("Cells only: **not** the target's measure. The course runner also prints, per lesson, the time of its cells alone");
            md.AppendLine("(the kernel already started, so the process start, the runtime start and the kernel's construction are left out)");
            md.AppendLine("and the time from before the lesson's kernel was constructed. Both come from the runs above (medians; the ratio is");
            md.AppendLine("the median of the per-run ratios to the trivial notebook's cell run just before).");
            md.AppendLine();
            md.AppendLine("| Notebook | Cells only | Ratio to the trivial notebook's cell | With kernel start (runner's clock) | Fresh process, wall time |");
            md.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var t in runner)
                md.AppendLine(Inv, $"| {t.Notebook} | {S(t.Cells)} | {(t.Notebook == CourseTimings.Trivial ? "(the reference)" : t.CellsRatio is { } c ? c.ToString("0.00", Inv) + "×" : "")} | {S(t.WithKernelStart)} | {Seconds(t.Samples)} |");
            md.AppendLine();
        }
        return md.ToString();
    }

    /// <summary>Puts <paramref name="section"/> between the README's bench markers (the markers stay).</summary>
    public static string ReplaceReadmeSection(string readme, string section)
    {
        const string Begin = "<!-- bench:begin -->", End = "<!-- bench:end -->";
        int from = readme.IndexOf(Begin, StringComparison.Ordinal), to = readme.IndexOf(End, StringComparison.Ordinal);
        if (from < 0 || to < from) throw new InvalidOperationException($"README.md has no {Begin} ... {End} section to rewrite");
        return readme[..(from + Begin.Length)] + "\n" + section.TrimEnd() + "\n" + readme[to..];
    }

    private static string S(double? seconds) => seconds is { } s ? s.ToString("0.00", Inv) + " s" : "not measured";

    private static string Seconds(IReadOnlyList<HeadlessSample> samples)
    {
        if (samples.Count == 0) return "not measured";
        var walls = samples.Select(x => x.WallSeconds).ToList();
        return $"{S(CourseTimings.Median(walls.Select(w => (double?)w)))} ({walls.Min().ToString("0.00", Inv)}–{walls.Max().ToString("0.00", Inv)})";
    }

    private static BenchmarkReport? Benchmark(Measurements m, string method) =>
        m.Summaries.SelectMany(s => s.Reports).FirstOrDefault(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && r.ResultStatistics is not null);

    private static double? Median(IReadOnlyList<ProbeSample> probe, string method, Func<ProbeSample, double> value)
    {
        var v = probe.Where(s => s.SizeMiB == 1024 && s.Method == method && s.Exec == "none").Select(value).Order().ToArray();
        if (v.Length == 0) return null;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static TargetRow Compare(string target, BenchmarkReport? sim, double? realMicroseconds, string reference, double? goal)
    {
        double? simNs = sim?.ResultStatistics?.Median;
        double? ratio = simNs is { } s && realMicroseconds is { } r ? s / (r * 1000) : null;
        return new TargetRow(target, Time(simNs), reference, ratio is { } x ? x.ToString(x >= 0.01 ? "0.000" : "0.0#####", Inv) + "×" : "",
            goal is { } g ? $"≤ {g.ToString("0.0", Inv)}× real" : "", goal is { } g2 && ratio is { } x2 ? x2 <= g2 : null);
    }

    private static TargetRow Rate(string target, BenchmarkReport? report, double? goal)
    {
        double? perSecond = report?.ResultStatistics?.Median is { } ns ? 1e9 / ns : null;
        return new TargetRow(target, perSecond is { } p ? $"{(p / 1e6).ToString("0.00", Inv)} million/s ({Time(report!.ResultStatistics!.Median)} per fault)" : "not measured",
            "", "", goal is { } g ? $"≥ {(g / 1e6).ToString("0", Inv)} million/s" : "", goal is { } g2 && perSecond is { } p2 ? p2 >= g2 : null);
    }

    public static string Time(double? ns) => ns switch
    {
        null => "not measured",
        >= 1e9 => $"{(ns.Value / 1e9).ToString("0.00", Inv)} s",
        >= 1e6 => $"{(ns.Value / 1e6).ToString("0.00", Inv)} ms",
        >= 1e3 => $"{(ns.Value / 1e3).ToString("0.0", Inv)} µs",
        _ => $"{ns.Value.ToString("0.0", Inv)} ns",
    };

    private static string Mib(long bytes) => $"{(bytes / 1048576.0).ToString("0.0", Inv)} MiB";

    public static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
    }
}
