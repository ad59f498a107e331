using CourseKit.Display;
using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Views;

internal static partial class Registrations
{
    /// <summary>What a cell ending with a core value shows. The text forms keep the core's own ToString where
    /// it already reads well (strace lines, pstree) and use the views' text otherwise.</summary>
    static partial void RegisterCore()
    {
        DisplayRegistry.Register<MachineSnapshot>(m => Machine(m).Html, m => Machine(m).Text);
        DisplayRegistry.Register<ProcessSnapshot>(p => Process(p).Html, p => Process(p).Text);
        DisplayRegistry.Register<AddressSpaceSnapshot>(a => AddressSpace(a).Html, a => AddressSpace(a).Text);
        DisplayRegistry.Register<FrameTableSnapshot>(f => FrameTable(f).Html, f => FrameTable(f).Text);
        DisplayRegistry.Register<ProcessTreeSnapshot>(t => Tree(t).Html, t => t.ToText().TrimEnd());
        DisplayRegistry.Register<EventLog>(e => Show.Events(e).Html, e => Show.Events(e).Text);
        DisplayRegistry.Register(typeof(SysResult), DisplayRegistry.Html, r => ResultHtml(r.ToString() ?? "", ((SysResult)r).IsOk));
        DisplayRegistry.Register(typeof(SysResult), DisplayRegistry.PlainText, r => r.ToString() ?? "");
        DisplayRegistry.Register(typeof(SysResult<>), DisplayRegistry.Html, r => ResultHtml(r.ToString() ?? "", IsOk(r)));
        DisplayRegistry.Register(typeof(SysResult<>), DisplayRegistry.PlainText, r => r.ToString() ?? "");
        DisplayRegistry.Register<Programs.ProgramListing>(l => ProgramView.Html(l), l => l.ToString());
        DisplayRegistry.Register<Programs.Program>(p => ProgramView.Html(p.Listing()), p => p.ToString());
        DisplayRegistry.Register<Programs.ProgramCompilation>(ProgramView.Html, c => c.ToString());
        DisplayRegistry.Register<Programs.ProgramSession>(
            s => s.Listing() is { } l ? ProgramView.Html(l, s.Output) : ProgramView.Html(s.Compilation), s => s.ToString());
        DisplayRegistry.Register<Programs.SchedulerSnapshot>(ProgramView.Html, s => s.ToString());
        DisplayRegistry.Register<Files.FilesSnapshot>(FilesView.Html, FilesView.Text);
        DisplayRegistry.Register<Tracing.Strace.ImportedTrace>(t => Trace(t).Html, t => Trace(t).Text);
        DisplayRegistry.Register<Tracing.Strace.StraceImportResult>(
            r => r.Value is { } t ? Trace(t).Html : ResultHtml($"strace import failed: {r.Error}", ok: false),
            r => r.Value is { } t ? Trace(t).Text : $"strace import failed: {r.Error}");
    }

    /// <summary>A real trace: the tree of the processes it saw, then its events (as the simulator's are drawn).</summary>
    private static View Trace(Tracing.Strace.ImportedTrace t) => View.Compose("real trace", Tree(t.Tree), Show.Events(t.Events));

    private static View Machine(MachineSnapshot m) => View.Compose("machine", Show.Tree(m), Show.Frames(m));

    private static View Process(ProcessSnapshot p) =>
        p.Memory is null ? Show.Image(p) : View.Compose("process", Show.Image(p), Show.Smaps(p));

    private static View AddressSpace(AddressSpaceSnapshot a)
    {
        var diagram = new ProcessDiagram(0, $"address space {a.Id}", $"used by {Fmt.Count(a.Users, "task", "tasks")}", Show.DefaultPageSize,
            Adapt.Segments(a, Show.DefaultPageSize, sharedAddressSpace: a.Users > 1), []);
        return new View("address space", ProcessImageView.Html(diagram), ProcessImageView.Text(diagram));
    }

    private static View FrameTable(FrameTableSnapshot f)
    {
        var runs = Adapt.Frames(f);
        return new View("physical memory", FrameTableView.Html(runs, f.Total, f.PageSize), FrameTableView.Text(runs, f.Total, f.PageSize));
    }

    private static View Tree(ProcessTreeSnapshot t)
    {
        var rows = new List<TreeRow>();
        var seen = new HashSet<int>();
        void Walk(ProcessTreeNode n, int depth)
        {
            if (!seen.Add(n.Pid.Value)) return;
            rows.Add(new TreeRow(n.Pid.Value, n.PPid.Value, n.Command, n.IsZombie ? "zombie" : "alive", null, null, null, depth));
            foreach (var c in n.Children) if (t[c] is { } child) Walk(child, depth + 1);
        }
        foreach (var n in t.Nodes.OrderBy(n => n.Pid.Value)) if (t[n.PPid] is null) Walk(n, 0);
        foreach (var n in t.Nodes.OrderBy(n => n.Pid.Value)) Walk(n, 0);
        return new View("process tree", ProcessTreeView.Html(rows), ProcessTreeView.Text(rows));
    }

    private static bool IsOk(object result) => result.GetType().GetProperty("IsOk")?.GetValue(result) is true;

    /// <summary>A system call result as one strace-like line; failures in the accent colour (and an ✗ as second cue).</summary>
    private static string ResultHtml(string line, bool ok)
    {
        var html = new HtmlWriter();
        using (html.Open("code", ("class", "ck-result"), ("data-ok", ok ? "true" : "false"), ("style", ok ? null : "color:#D55E00;font-weight:bold")))
            html.Text((ok ? "" : "✗ ") + line);
        return html.ToString();
    }
}
