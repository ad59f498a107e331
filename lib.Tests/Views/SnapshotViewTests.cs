using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Views;
using static CourseKit.Tests.Views.ProcessImageViewTests;

namespace CourseKit.Tests.Views;

/// <summary>Views drawn from a real machine's snapshots: what a lesson cell shows after fork and a write.</summary>
public sealed class SnapshotViewTests
{
    private const int HeapPages = 8;

    /// <summary>A process with 8 written pages, forked; the child then wrote one page (one COW copy).</summary>
    private static (Machine M, Pid Parent, Pid Child, VirtualAddress Heap) ForkThenWrite()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 256, Seed = 1 });
        var parent = m.Start("/home/student/a.out");
        var heap = m.Mmap(parent, HeapPages * m.PageSize, Protection.ReadWrite).Value;
        for (var i = 0; i < HeapPages; i++) m.WriteWord(parent, heap + i * m.PageSize, (ulong)i).ThrowIfNotOk();
        var child = m.Fork(parent).Value;
        m.WriteWord(child, heap + 2 * m.PageSize, 99).ThrowIfNotOk();
        return (m, parent, child, heap);
    }

    [Fact]
    public void Process_image_shows_shared_cow_runs_around_the_copied_page()
    {
        var (m, parent, child, heap) = ForkThenWrite();
        var view = Show.Image(m.Snapshot(), child, heap + 2 * m.PageSize);
        var doc = Parse(view.Html);
        var mmap = doc.QuerySelectorAll(".ck-seg").Single(s => s.GetAttribute("data-start") == Fmt.Address(heap.Value));
        var states = mmap.QuerySelectorAll(".ck-run").Select(r => $"{r.GetAttribute("data-state")}:{r.GetAttribute("data-pages")}").ToArray();
        // top = high addresses: pages 3..7 still shared, page 2 the child's own copy, pages 0..1 shared
        Assert.Equal(new[] { "cow:5", "private:1", "cow:2" }, states);
        Assert.Equal("private", doc.QuerySelector(".ck-pc[data-mark=highlight]")!.Closest(".ck-run")!.GetAttribute("data-state"));
        Assert.Contains("[C]", view.Text);
    }

    [Fact]
    public void Side_by_side_shows_the_copy_as_a_new_frame_and_the_rest_shared()
    {
        var (m, parent, child, heap) = ForkThenWrite();
        var snap = m.Snapshot();
        var doc = Parse(Show.SideBySide(snap, parent, child).Html);
        var parentPage = snap[parent]!.Memory!.Pages.Single(p => p.Page == (heap + 2 * m.PageSize).Page(m.PageSize));
        var childPage = snap[child]!.Memory!.Pages.Single(p => p.Page == (heap + 2 * m.PageSize).Page(m.PageSize));
        Assert.NotEqual(parentPage.Frame, childPage.Frame);
        var boxes = doc.QuerySelectorAll("g.ck-frame-box");
        string MapCountOf(FrameNumber f) => boxes.Single(b => long.Parse(b.GetAttribute("data-first")!) <= f.Value && long.Parse(b.GetAttribute("data-last")!) >= f.Value).GetAttribute("data-map-count")!;
        Assert.Equal("1", MapCountOf(parentPage.Frame)); // the parent is the last owner of the old frame now
        Assert.Equal("1", MapCountOf(childPage.Frame));
        var shared = snap[child]!.Memory!.Pages.First(p => p.Page == heap.Page(m.PageSize));
        Assert.Equal("2", MapCountOf(shared.Frame));
        var links = doc.QuerySelectorAll("path.ck-link");
        Assert.Equal(new[] { parent.Value.ToString(), child.Value.ToString() },
            links.Where(l => long.Parse(l.GetAttribute("data-frame")!) <= shared.Frame.Value).Where(l => boxes.Any(b => b.GetAttribute("data-first") == l.GetAttribute("data-frame") && long.Parse(b.GetAttribute("data-last")!) >= shared.Frame.Value))
                .Select(l => l.GetAttribute("data-pid")!).Distinct().Order());
    }

    [Fact]
    public void Smaps_view_agrees_with_the_core_numbers()
    {
        var (m, _, child, _) = ForkThenWrite();
        var p = m.Snapshot()[child]!;
        var doc = Parse(Show.Smaps(p).Html);
        Assert.Equal(p.Smaps.Pss.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), doc.QuerySelector("tr[data-segment=total] td[data-col=Pss]")!.TextContent);
        Assert.Equal(p.Faults.CowCopy.ToString(), doc.QuerySelector(".ck-faults tr[data-kind=cow-copy] td:last-child")!.TextContent);
        Assert.Equal(1, p.Faults.CowCopy);
    }

    [Fact]
    public void Tree_marks_orphans_from_the_snapshot_or_the_event_log_and_zombies()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 256, InitReapsZombies = false });
        var shell = m.Start("/bin/sh");
        var middle = m.Fork(shell).Value;
        var orphan = m.Fork(middle).Value;
        m.Exit(middle, 3).ThrowIfNotOk();
        var doc = Parse(Show.Tree(m.Snapshot(), m.Events).Html);
        var row = doc.QuerySelector($"tr.ck-proc[data-pid='{orphan.Value}']")!;
        Assert.Equal(middle.Value.ToString(), row.GetAttribute("data-reparented-from"));
        Assert.Equal(middle, m.Snapshot()[orphan]!.ReparentedFrom);
        var fromSnapshotAlone = Parse(Show.Tree(m.Snapshot()).Html).QuerySelector($"tr.ck-proc[data-pid='{orphan.Value}']")!;
        Assert.Equal(middle.Value.ToString(), fromSnapshotAlone.GetAttribute("data-reparented-from"));
        Assert.Null(m.Snapshot()[shell]!.ReparentedFrom);
        Assert.Equal("1", row.GetAttribute("data-ppid"));
        var zombie = doc.QuerySelector($"tr.ck-proc[data-pid='{middle.Value}']")!;
        Assert.Equal("zombie", zombie.GetAttribute("data-state"));
        Assert.Contains("3", zombie.Children[4].TextContent);
    }

    [Fact]
    public void Frames_view_counts_used_frames_and_owners()
    {
        var (m, parent, child, _) = ForkThenWrite();
        var snap = m.Snapshot();
        var doc = Parse(Show.Frames(snap).Html);
        Assert.Equal(snap.Frames.UsedCount.ToString(), doc.QuerySelector(".ck-frames")!.GetAttribute("data-used"));
        var total = doc.QuerySelectorAll("tbody tr").Sum(r => long.Parse(r.GetAttribute("data-frames")!));
        Assert.Equal(snap.Frames.Total, total);
        Assert.Contains(doc.QuerySelectorAll("tr.ck-frame-run"), r => r.Children[3].TextContent == $"{parent.Value}, {child.Value}");
    }

    [Fact]
    public void Registered_renderers_draw_core_values()
    {
        var (m, _, child, _) = ForkThenWrite();
        var snap = m.Snapshot();
        Assert.Contains("ck-tree", DisplayRegistry.Render(snap, DisplayRegistry.Html));
        Assert.Contains("ck-image", DisplayRegistry.Render(snap[child]!, DisplayRegistry.Html));
        Assert.Contains("ck-smaps", DisplayRegistry.Render(snap[child]!, DisplayRegistry.Html));
        Assert.Contains("ck-frames", DisplayRegistry.Render(snap.Frames, DisplayRegistry.Html));
        Assert.Contains("ck-events", DisplayRegistry.Render(m.Events, DisplayRegistry.Html));
        Assert.Equal(snap.Tree.ToText().TrimEnd(), DisplayRegistry.Render(snap.Tree, DisplayRegistry.PlainText));
        var failed = m.Wait(child);
        Assert.False(failed.IsOk);
        var html = DisplayRegistry.Render(failed, DisplayRegistry.Html)!;
        Assert.Equal("false", Parse(html).QuerySelector("code.ck-result")!.GetAttribute("data-ok"));
        Assert.Equal(failed.ToString(), DisplayRegistry.Render(failed, DisplayRegistry.PlainText));
    }

    [Fact]
    public void Threads_share_one_address_space_and_its_pages_show_as_clone_vm()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 256 });
        var p = m.Start("/home/student/a.out");
        var heap = m.Mmap(p, 2 * m.PageSize, Protection.ReadWrite).Value;
        m.WriteWord(p, heap, 1).ThrowIfNotOk();
        var before = Parse(Show.Image(m.Snapshot(), p).Html).QuerySelectorAll(".ck-run").Select(r => r.GetAttribute("data-state")).ToArray();
        Assert.DoesNotContain("vm", before);
        m.Clone(p, CloneFlags.Vm | CloneFlags.Fs | CloneFlags.Files | CloneFlags.Sighand | CloneFlags.Thread).ThrowIfNotOk();
        var snap = m.Snapshot();
        var doc = Parse(Show.Image(snap, p).Html);
        var present = doc.QuerySelectorAll(".ck-run").Select(r => r.GetAttribute("data-state")).Where(s => s != "absent").ToArray();
        Assert.NotEmpty(present);
        Assert.All(present, s => Assert.Equal("vm", s));
        Assert.Equal(2, doc.QuerySelectorAll(".ck-thread").Length);
        // one page table: the frames are still mapped once (threads do not raise map counts)
        Assert.All(snap[p]!.Memory!.Pages, page => Assert.Equal(1, page.MapCount));
    }

    [Fact]
    public void Hostile_argv_is_encoded_in_every_view()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 256 });
        var p = m.Start("/bin/echo", Hostile);
        var snap = m.Snapshot();
        foreach (var html in new[] { Show.Tree(snap).Html, Show.Image(snap, p).Html, Show.SideBySide(snap, p).Html, Show.Smaps(snap[p]!).Html, Show.Events(m.Events).Html })
        {
            var doc = Parse(html);
            Assert.Empty(doc.QuerySelectorAll("img"));
            Assert.Contains(Hostile, doc.Body!.TextContent);
        }
    }
}

/// <summary>Core values draw themselves through the real notebook Formatter (attribute matched by name).</summary>
[Collection(FormatterCollection.Name)]
public sealed class CoreFormatterTests
{
    [Fact]
    public void Snapshots_logs_and_results_use_the_views_in_the_notebook_formatter()
    {
        Microsoft.DotNet.Interactive.Formatting.Formatter.ResetToDefault();
        var m = Machine.Boot(new MachineOptions { Frames = 256 });
        var p = m.Start("/home/student/a.out");
        var fork = m.Fork(p);
        var snap = m.Snapshot();
        static string Html(object o) => Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(o, "text/html");
        static string Text(object o) => Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(o, "text/plain");
        Assert.NotNull(Parse(Html(snap)).QuerySelector(".ck-stack[data-kind=machine] .ck-tree"));
        Assert.NotNull(Parse(Html(snap[p]!)).QuerySelector(".ck-image"));
        Assert.NotNull(Parse(Html(snap[p]!.Memory!)).QuerySelector(".ck-image"));
        Assert.NotNull(Parse(Html(snap.Frames)).QuerySelector(".ck-frames"));
        Assert.NotNull(Parse(Html(snap.Tree)).QuerySelector(".ck-tree"));
        Assert.NotNull(Parse(Html(m.Events)).QuerySelector(".ck-events"));
        Assert.Equal(fork.ToString(), Parse(Html(fork)).QuerySelector("code.ck-result")!.TextContent);
        Assert.Equal(fork.ToString(), Text(fork));
        Assert.Equal(m.Exit(Pid.Init, 1).ToString(), Text(m.Exit(Pid.Init, 1)));
        Assert.StartsWith($"pid {p.Value} (a.out) running", Text(snap[p]!));
        Assert.Equal(new[] { "text/html", "text/plain" }, Microsoft.DotNet.Interactive.Formatting.Formatter.GetPreferredMimeTypesFor(typeof(CourseKit.Tracing.MachineSnapshot)));
    }
}
