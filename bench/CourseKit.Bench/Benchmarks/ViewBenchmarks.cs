using BenchmarkDotNet.Attributes;
using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Bench.Benchmarks;

/// <summary>
/// Drawing a process with a million resident pages the way a notebook does when a cell ends with
/// <c>machine.Process(pid).Snapshot()</c>: take the snapshot, then render it as HTML through the display
/// registry the views fill. To give the view something to collapse, the process has forked and its child
/// has written every fourth page of the first quarter, so shared and private runs alternate there.
/// </summary>
public class ViewBenchmarks
{
    private Resident _process = null!;
    private ProcessSnapshot _snapshot = null!;

    /// <summary>Builds the process (and one snapshot of it) once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _process = MillionPageView.Build();
        _snapshot = _process.Machine.Process(_process.Pid)!.Snapshot();
    }

    /// <summary>Snapshot and HTML of the million-page process: what a notebook cell pays.</summary>
    [Benchmark(Description = "view of a 1,048,576-page process (snapshot + HTML)")]
    public int SnapshotAndRender() => MillionPageView.Render(_process).Length;

    /// <summary>The snapshot alone (the core's part).</summary>
    [Benchmark(Description = "snapshot of a 1,048,576-page process")]
    public ProcessSnapshot SnapshotOnly() => _process.Machine.Process(_process.Pid)!.Snapshot();

    /// <summary>The HTML of a snapshot taken before (the views' part).</summary>
    [Benchmark(Description = "HTML of a 1,048,576-page process snapshot")]
    public int RenderOnly() => MillionPageView.Html(_snapshot).Length;
}

/// <summary>The million-page process the view benchmark draws, shared with the report (which measures the size).</summary>
internal static class MillionPageView
{
    public static Resident Build()
    {
        int pages = Workload.MillionPages, written = pages / 4 / 4;
        var process = Workload.ResidentProcess(pages, spareFrames: written);
        var child = process.Machine.Fork(process.Pid).Value;
        for (int i = 0; i < pages / 4; i += 4) process.Machine.WriteWord(child, process.Page(i), 7).ThrowIfNotOk();
        return process;
    }

    /// <summary>The HTML a notebook would show; throws when no view is registered for process snapshots.</summary>
    public static string Render(Resident process)
    {
        var snapshot = process.Machine.Process(process.Pid)!.Snapshot();
        return Html(snapshot);
    }

    /// <summary>The HTML the display registry gives a process snapshot (what a notebook shows).</summary>
    public static string Html(ProcessSnapshot snapshot) =>
        DisplayRegistry.Render(snapshot, DisplayRegistry.Html)
            ?? throw new InvalidOperationException("no HTML view is registered for ProcessSnapshot (the views are not loaded)");
}
