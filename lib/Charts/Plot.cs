using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using CourseKit.Views;
using Plotly.NET;
using CSharpChart = Plotly.NET.CSharp.Chart;

namespace CourseKit.Charts;

/// <summary>
/// The course's charts, folded from the core's events and snapshots. Every chart has a title, axis titles
/// with units and a legend, and uses the colours of the HTML views for the same states (<see cref="Palette"/>).
/// Time is the machine's logical clock (ticks), never wall-clock time, so a seeded run always draws the same.
/// </summary>
public static class Plot
{
    private const string TimeAxis = "time (logical clock ticks)";

    /// <summary>
    /// Memory sharing over time: frames mapped by several page tables (shared) and by one (private), and the
    /// Pss of each process in kB (dashed, right axis), one point per snapshot. Take a snapshot after each
    /// step of the lesson (or use a <see cref="Stepper"/>'s frames).
    /// </summary>
    public static CourseChart MemorySharing(IEnumerable<MachineSnapshot> samples, params Pid[] pids)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var snaps = samples.OrderBy(s => s.Time).ToArray();
        if (snaps.Length == 0) throw new ArgumentException("MemorySharing needs at least one snapshot.", nameof(samples));
        var t = snaps.Select(s => (double)s.Time).ToArray();
        var frames = new List<Series>
        {
            new("shared frames (map count ≥ 2)", t, snaps.Select(s => (double)s.Frames.Used.Count(f => f.MapCount > 1)).ToArray(), Palette.Colour(PageState.SharedCopyOnWrite)),
            new("private frames (map count 1)", t, snaps.Select(s => (double)s.Frames.Used.Count(f => f.MapCount == 1)).ToArray(), Palette.Colour(PageState.Private)),
        };
        var who = pids.Length > 0 ? pids
            : snaps.SelectMany(s => s.Processes).Where(p => p.Memory is not null && p.Pid != Pid.Init).Select(p => p.Pid).Distinct().OrderBy(p => p.Value).Take(6).ToArray();
        var pss = who.Select((pid, i) => new Series(
            $"Pss of pid {pid.Value} ({snaps.Select(s => s[pid]).LastOrDefault(p => p is not null)?.Command ?? "?"})",
            t, snaps.Select(s => (double)(s[pid]?.Smaps.Pss ?? 0)).ToArray(), ProcessColours[i % ProcessColours.Length], Dashed: true)).ToArray();

        var frameChart = CSharpChart.Combine(frames.Select(ChartKit.Line));
        var pssChart = CSharpChart.Combine(pss.Select(ChartKit.Line));
        frameChart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(frameChart, TitleText: TimeAxis);
        frameChart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(frameChart, TitleText: "frames in use (4 KiB pages)");
        pssChart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(pssChart, TitleText: TimeAxis);
        pssChart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(pssChart, TitleText: "Pss (kB)");
        var grid = CSharpChart.Grid([frameChart, pssChart], 2, 1);
        return ChartKit.Titled(grid, "Memory sharing over time: shared vs private frames, and Pss per process");
    }

    /// <summary>Frames in use over time, one line per labelled run (for example the same workload with and
    /// without copy-on-write), counted from FrameAllocated/FrameFreed events.</summary>
    public static CourseChart FramesInUse(string title, params (string Label, IEnumerable<KernelEvent> Events, string Colour, bool Dashed)[] runs) =>
        FramesInUse(title, 0, runs);

    /// <summary>Frames in use from <paramref name="since"/> on (the count before it is kept as the first point).</summary>
    public static CourseChart FramesInUse(string title, long since, params (string Label, IEnumerable<KernelEvent> Events, string Colour, bool Dashed)[] runs)
    {
        var series = runs.Select(r =>
        {
            var points = FrameCurve(r.Events, since);
            return new Series(r.Label, points.Select(p => (double)p.Time).ToArray(), points.Select(p => (double)p.Frames).ToArray(), r.Colour, r.Dashed, Steps: true);
        });
        return ChartKit.Lines(title, TimeAxis, "frames in use (4 KiB pages)", series);
    }

    /// <summary>(time, frames in use) after each allocation or release, counted from zero at boot, plus a last
    /// point at the end of the log; points before <paramref name="since"/> fold into one point at that time.</summary>
    internal static IReadOnlyList<(long Time, long Frames)> FrameCurve(IEnumerable<KernelEvent> events, long since = 0)
    {
        var points = new List<(long, long)>();
        long used = 0, last = 0;
        foreach (var e in events)
        {
            last = e.Time;
            if (e is FrameAllocated) used++;
            else if (e is FrameFreed) used--;
            else continue;
            var time = Math.Max(e.Time, since);
            if (points.Count > 0 && points[^1].Item1 == time) points[^1] = (time, used);
            else points.Add((time, used));
        }
        if (points.Count > 0 && points[^1].Item1 < last) points.Add((last, used));
        return points;
    }

    /// <summary>
    /// Copy-on-write against eager copying, on the two workloads that matter: fork+exec (the child replaces
    /// its image at once, so an eager copy was wasted) and fork+write (the child writes every page, so
    /// copy-on-write ends up copying them too, one fault at a time). Each workload runs on a fresh machine.
    /// </summary>
    /// <param name="pages">Pages the parent maps and writes before it forks.</param>
    public static CourseChart CopyOnWriteVersusEagerCopy(int pages = 64)
    {
        if (pages is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(pages), pages, "Use between 1 and 100000 pages.");
        var runs = new List<(string, IEnumerable<KernelEvent>, string, bool)>();
        long forkTime = 0;
        foreach (var cow in new[] { true, false })
            foreach (var exec in new[] { true, false })
            {
                var (log, fork) = Workloads.ForkThen(pages, cow, exec);
                forkTime = fork; // the same in every run: the workloads differ only after the fork
                runs.Add(($"{(exec ? "fork+exec" : "fork+write")}, {(cow ? "copy-on-write" : "eager copy")}", log,
                    cow ? Palette.Colour(PageState.SharedCopyOnWrite) : Palette.Colour(PageState.Private), !exec));
            }
        return FramesInUse($"Frames in use after fork: copy-on-write vs eager copy ({pages} pages written before fork)", forkTime - 1, runs.ToArray());
    }

    /// <summary>Page faults by kind over time (cumulative), from PageFault events, optionally for one process.</summary>
    public static CourseChart FaultsOverTime(IEnumerable<KernelEvent> events, Pid? pid = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var faults = events.OfType<PageFault>().Where(f => pid is null || f.Pid == pid).ToArray();
        var series = new List<Series>();
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            var ofKind = faults.Where(f => f.Kind == kind).ToArray();
            if (ofKind.Length == 0) continue;
            var x = new List<double>();
            var y = new List<double>();
            var n = 0;
            foreach (var f in ofKind)
            {
                n++;
                if (x.Count > 0 && x[^1] == f.Time) y[^1] = n; else { x.Add(f.Time); y.Add(n); }
            }
            series.Add(new Series(FaultLabel(kind), x, y, FaultColour(kind), kind is FaultKind.Protection or FaultKind.Unmapped));
        }
        if (series.Count == 0) series.Add(new Series("no page faults", [0], [0], Palette.Free));
        return ChartKit.Lines($"Page faults by kind over time{(pid is { } p ? $" (pid {p.Value})" : "")}", TimeAxis, "faults so far (count)", series);
    }

    internal static string FaultLabel(FaultKind kind) => kind switch
    {
        FaultKind.DemandZero => "demand-zero (first touch)",
        FaultKind.PageCache => "page cache (code read in)",
        FaultKind.CowCopy => "copy-on-write copy",
        FaultKind.CowReuse => "copy-on-write reuse (no copy)",
        FaultKind.Protection => "protection (SIGSEGV)",
        FaultKind.Unmapped => "unmapped address (SIGSEGV)",
        FaultKind.ZeroPageRead => "zero page (first read, no frame)",
        _ => kind.ToString(),
    };

    internal static string FaultColour(FaultKind kind) => kind switch
    {
        FaultKind.DemandZero => Palette.DemandZero,
        FaultKind.PageCache => Palette.Colour(PageState.SharedCode),
        FaultKind.CowCopy => Palette.CowCopy,
        FaultKind.CowReuse => Palette.CowReuse,
        FaultKind.ZeroPageRead => Palette.Free,
        _ => Palette.Protection,
    };

    /// <summary>Colours for per-process lines (Okabe-Ito, after the state colours).</summary>
    internal static readonly string[] ProcessColours = ["#56B4E9", "#D55E00", "#CC79A7", "#009E73", "#F0E442", "#000000"];

    /// <summary>
    /// Process timelines (Gantt), one panel per labelled run stacked vertically on the same time axis: when each
    /// process was running or runnable, waiting (blocked), or a zombie (exited, not yet reaped). Built from
    /// ProcessCreated, ThreadStateChanged, ProcessExited and ProcessReaped events. Compare a foreground
    /// (sequential: the shell waits for each command) and a background (parallel) run side by side.
    /// </summary>
    public static CourseChart Timeline(params (string Label, IEnumerable<KernelEvent> Events)[] runs)
    {
        if (runs is null || runs.Length == 0) throw new ArgumentException("Timeline needs at least one run.", nameof(runs));
        var panels = new List<GenericChart>();
        var first = true;
        foreach (var (label, events) in runs)
        {
            var bars = Gantt.Intervals(events as IReadOnlyList<KernelEvent> ?? events.ToArray());
            var traces = new List<GenericChart>();
            foreach (var state in new[] { Gantt.Running, Gantt.Waiting, Gantt.Zombie })
            {
                var ofState = bars.Where(b => b.State == state).ToArray();
                var chart = CSharpChart.Bar<double, string, string>(
                    values: ofState.Select(b => (double)(b.End - b.Start)).ToArray(),
                    Keys: ofState.Select(b => ChartKit.PlotlyText($"{label}: {b.Process}")).ToArray(),
                    Name: state, MarkerColor: Color.fromHex(Gantt.Colour(state)), ShowLegend: first,
                    MarkerPatternShape: state == Gantt.Waiting ? StyleParam.PatternShape.DiagonalDescending : state == Gantt.Zombie ? StyleParam.PatternShape.Dots : StyleParam.PatternShape.None,
                    UseDefaults: false);
                foreach (var trace in GenericChart.getTraces(chart))
                {
                    trace.SetProperty("base", ofState.Select(b => (double)b.Start).ToArray());
                    trace.SetProperty("legendgroup", state);
                }
                traces.Add(chart);
            }
            var panel = CSharpChart.Combine(traces);
            panel = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(panel, TitleText: TimeAxis);
            panel = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(panel, TitleText: ChartKit.PlotlyText(label) + " (process)");
            panels.Add(panel);
            first = false;
        }
        var chartAll = panels.Count == 1 ? panels[0] : CSharpChart.Grid(panels, panels.Count, 1);
        return ChartKit.Titled(chartAll, "Process timeline: running, waiting, zombie" + (runs.Length > 1 ? " — " + string.Join(" vs ", runs.Select(r => r.Label)) : ""), barMode: "overlay");
    }

    /// <summary>
    /// Fork cost against process size, in the simulator: for each size, a fresh machine maps and writes that
    /// many pages, then forks (copy-on-write), forks with eager copying, and vforks. The cost counted is the
    /// work the call does: page-table entries copied plus frames copied (allocated during the call). On Linux,
    /// fork grows linearly with resident memory and vfork stays flat; the real measurements come with the
    /// datasets.
    /// </summary>
    public static CourseChart ForkCost(params int[] sizesInPages)
    {
        var sizes = sizesInPages.Length > 0 ? sizesInPages : [16, 64, 256, 1024, 4096];
        if (sizes.Any(s => s is < 1 or > 200_000)) throw new ArgumentOutOfRangeException(nameof(sizesInPages), "Sizes must be between 1 and 200000 pages.");
        var mib = sizes.Select(s => s * 4096.0 / (1024 * 1024)).ToArray();
        var cow = sizes.Select(s => (double)Workloads.ForkWork(s, Workloads.Creation.Fork)).ToArray();
        var eager = sizes.Select(s => (double)Workloads.ForkWork(s, Workloads.Creation.EagerFork)).ToArray();
        var vfork = sizes.Select(s => (double)Workloads.ForkWork(s, Workloads.Creation.Vfork)).ToArray();
        return ChartKit.Lines("Fork cost against process size (simulated work)", "process size (MiB written before the call)",
            "work done by the call (page-table entries + frames copied)",
            [
                new Series("fork, copy-on-write (copies page-table entries)", mib, cow, Palette.Colour(PageState.SharedCopyOnWrite)),
                new Series("fork, eager copy (entries + every page)", mib, eager, Palette.Colour(PageState.Private), Dashed: true),
                new Series("vfork (borrows the parent's memory)", mib, vfork, Palette.Colour(PageState.SharedVm)),
            ]);
    }

    /// <summary>
    /// Fork's page-table work against process size for both strategies, on log axes: Linux's fork (copies every
    /// present entry and updates every frame's map count), on-demand fork (shares the page-table directories, one
    /// per GiB: the idea of Zhao et al., EuroSys 2021, one level up), and on-demand fork followed by one write of
    /// the child in every 2 MiB of the region (each write copies the path to its page-table page: the cost moves,
    /// it does not vanish). For each size, fresh
    /// machines map and write that many pages, then fork. The work counted is
    /// <see cref="PageTableWork"/>'s: entries copied + map counts updated + page-table pages copied or shared.
    /// </summary>
    public static CourseChart ForkStrategies(params int[] sizesInPages)
    {
        var sizes = sizesInPages is { Length: > 0 } ? sizesInPages : [256, 1024, 4096, 16384];
        if (sizes.Any(s => s is < 1 or > 200_000)) throw new ArgumentOutOfRangeException(nameof(sizesInPages), "Sizes must be between 1 and 200000 pages.");
        var mib = sizes.Select(s => s * 4096.0 / (1024 * 1024)).ToArray();
        double[] Work(bool onDemand, bool touch) =>
            sizes.Select(s => Workloads.ForkTableWork(s, onDemand, touch)).Select(w => (double)(w.EntriesCopied + w.MapCountUpdates + w.TablesCopied + w.TablesShared)).ToArray();
        return ChartKit.Lines("Fork's page-table work against process size: Linux's fork vs on-demand fork",
            "process size (MiB written before fork, log scale)",
            "entries + map counts + tables (log scale)",
            [
                new Series("Linux's fork (every entry, every map count)", mib, Work(false, false), Palette.Colour(PageState.Private)),
                new Series("on-demand fork (shares the directories, 1 GiB each)", mib, Work(true, false), Palette.Colour(PageState.SharedCopyOnWrite)),
                new Series("on-demand fork + a child write in every 2 MiB", mib, Work(true, true), ProcessColours[1], Dashed: true),
            ],
            logAxes: true);
    }
}
