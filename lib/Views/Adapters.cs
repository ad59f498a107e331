using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Views;

/// <summary>
/// Folds the core's snapshots into the diagrams the views draw. This is where a page gets its colour:
/// one place decides "private, shared copy-on-write, shared address space, shared code or not present".
/// </summary>
internal static class Adapt
{
    /// <summary>
    /// The state of a present page, by priority: a copy-on-write page still mapped by others; a read-only
    /// (code) page mapped by several page tables; any page of an address space several tasks use (CLONE_VM:
    /// threads, vfork, clone); otherwise private. Smaps agrees: map count ≥ 2 is Shared_*, 1 is Private_*.
    /// </summary>
    internal static PageState StateOf(PteFlags flags, int mapCount, bool writableSegment, bool sharedAddressSpace) =>
        (flags & PteFlags.CopyOnWrite) != 0 && mapCount > 1 ? PageState.SharedCopyOnWrite
        : !writableSegment && mapCount > 1 ? PageState.SharedCode
        : sharedAddressSpace ? PageState.SharedVm
        : mapCount > 1 ? PageState.SharedCopyOnWrite // shared and writable without the COW bit: shown as shared
        : PageState.Private;

    public static ProcessDiagram Process(ProcessSnapshot p, int pageSize)
    {
        var threads = p.Threads.Select(t => new ThreadDiagram(t.Tid.Value, ThreadState(t), t.ProgramCounter)).ToArray();
        var segments = p.Memory is { } memory
            ? Segments(memory, pageSize, sharedAddressSpace: memory.Users > 1 || p.Threads.Count(t => t.State != SimThreadState.Exited) > 1)
            : [];
        return new ProcessDiagram(p.Pid.Value, Command(p), ProcessState(p), pageSize, segments, threads);
    }

    public static IReadOnlyList<SegmentDiagram> Segments(AddressSpaceSnapshot memory, int pageSize, bool sharedAddressSpace)
    {
        var pages = memory.Pages.AsSpan(); // sorted by page number
        var result = new List<SegmentDiagram>();
        foreach (var seg in memory.Segments.Select(s => s.Segment).OrderBy(s => s.Start))
        {
            var first = seg.Start.Value / (ulong)pageSize;
            var end = seg.End.Value / (ulong)pageSize;
            var writable = (seg.Protection & Protection.Write) != 0;
            var spans = new SpanBuilder();
            var next = first;
            for (var i = LowerBound(pages, first); i < pages.Length && pages[i].Page.Value < end; i++)
            {
                ref readonly var page = ref pages[i];
                if (page.Page.Value > next) spans.Add(next, page.Page.Value - next, PageState.NotPresent, -1, 0, false);
                spans.Add(page.Page.Value, 1, StateOf(page.Flags, page.MapCount, writable, sharedAddressSpace),
                    page.Frame.Value, page.MapCount, (page.Flags & PteFlags.Dirty) != 0);
                next = page.Page.Value + 1;
            }
            if (end > next) spans.Add(next, end - next, PageState.NotPresent, -1, 0, false);
            result.Add(new SegmentDiagram(seg.Kind.ToString().ToLowerInvariant(), seg.Start.Value, seg.End.Value, ProtectionText(seg), spans.Finish(),
                string.IsNullOrEmpty(seg.File) ? null : seg.File));
        }
        return result;
    }

    /// <summary>
    /// Collects page spans, merging each into the open one when they are alike and their frames follow. The
    /// open span lives in fields, so a million-page process costs one object per run, not one per page.
    /// </summary>
    private sealed class SpanBuilder
    {
        private readonly List<PageSpan> _spans = [];
        private bool _open;
        private ulong _first, _pages;
        private PageState _state;
        private long _frame; // -1: not present
        private int _mapCount;
        private bool _dirty;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public void Add(ulong first, ulong pages, PageState state, long frame, int mapCount, bool dirty)
        {
            if (_open)
            {
                var framesFollow = _frame < 0 ? frame < 0 : frame == _frame + (long)_pages;
                if (_first + _pages == first && _state == state && _mapCount == mapCount && _dirty == dirty && framesFollow)
                {
                    _pages += pages;
                    return;
                }
                Close();
            }
            (_open, _first, _pages, _state, _frame, _mapCount, _dirty) = (true, first, pages, state, frame, mapCount, dirty);
        }

        public List<PageSpan> Finish()
        {
            if (_open) Close();
            return _spans;
        }

        private void Close()
        {
            _spans.Add(new PageSpan(_first, _pages, _state, _frame < 0 ? null : _frame, _mapCount, _dirty));
            _open = false;
        }
    }

    private static int LowerBound(ReadOnlySpan<PageSnapshot> pages, ulong page)
    {
        int lo = 0, hi = pages.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (pages[mid].Page.Value < page) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    internal static string ProtectionText(Segment s) =>
        $"{((s.Protection & Protection.Read) != 0 ? 'r' : '-')}{((s.Protection & Protection.Write) != 0 ? 'w' : '-')}{((s.Protection & Protection.Exec) != 0 ? 'x' : '-')}{(s.Shared ? 's' : 'p')}";

    internal static string ProcessState(ProcessSnapshot p) => p.State switch
    {
        Kernel.ProcessState.Running => "running",
        Kernel.ProcessState.Sleeping => "blocked" + (p.Threads.FirstOrDefault()?.BlockedOn is { } on ? $" ({on})" : ""),
        Kernel.ProcessState.Zombie => "zombie",
        _ => p.State.ToString().ToLowerInvariant(),
    };

    internal static string ThreadState(ThreadSnapshot t) =>
        t.State.ToString().ToLowerInvariant() + (t.State == SimThreadState.Blocked && t.BlockedOn is { } on ? $" ({on})" : "");

    /// <summary>Depth-first from init, children in wait order; orphans marked from the snapshot (or, for snapshots
    /// that do not know, such as imported traces, from the log's Reparented events).</summary>
    public static IReadOnlyList<TreeRow> Tree(MachineSnapshot machine, IEnumerable<KernelEvent>? events = null)
    {
        var byPid = machine.Processes.ToDictionary(p => p.Pid.Value);
        var reparented = new Dictionary<int, (int Old, int New)>();
        foreach (var e in events?.OfType<Reparented>() ?? []) reparented[e.Pid.Value] = (e.OldParent.Value, e.NewParent.Value);
        var rows = new List<TreeRow>();
        var seen = new HashSet<int>();
        void Walk(ProcessSnapshot p, int depth)
        {
            if (!seen.Add(p.Pid.Value)) return;
            int? from = p.ReparentedFrom?.Value
                ?? (reparented.TryGetValue(p.Pid.Value, out var r) && r.New == p.PPid.Value ? r.Old : null);
            rows.Add(new TreeRow(p.Pid.Value, p.PPid.Value, Command(p), ProcessState(p), p.ExitStatus?.ToString(),
                p.Threads.Count(t => t.State != SimThreadState.Exited), from, depth));
            foreach (var child in p.Children)
                if (byPid.TryGetValue(child.Value, out var c)) Walk(c, depth + 1);
        }
        foreach (var root in machine.Processes.Where(p => !byPid.ContainsKey(p.PPid.Value)).OrderBy(p => p.Pid.Value)) Walk(root, 0);
        foreach (var rest in machine.Processes.OrderBy(p => p.Pid.Value)) Walk(rest, 0); // unreachable ones, if any
        return rows;
    }

    /// <summary>The command as ps -f shows it: the argv when there is one, else the command name.</summary>
    internal static string Command(ProcessSnapshot p) => p.Argv.Count > 0 ? string.Join(' ', p.Argv) : p.Command;

    /// <summary>Runs of alike frames over the whole frame table, with the PIDs that map each (from the processes).</summary>
    public static IReadOnlyList<FrameRun> Frames(FrameTableSnapshot table, IEnumerable<ProcessSnapshot>? processes = null)
    {
        var owners = new Dictionary<int, SortedSet<int>>();
        foreach (var p in processes ?? [])
            foreach (var page in p.Memory?.Pages ?? ValueList<PageSnapshot>.Empty)
            {
                if (!owners.TryGetValue(page.Frame.Value, out var set)) owners[page.Frame.Value] = set = [];
                set.Add(p.Pid.Value);
            }
        var used = table.Used.OrderBy(f => f.Frame.Value).ToArray();
        var runs = new List<FrameRun>();
        var next = 0L;
        void Add(FrameRun run)
        {
            if (runs.Count > 0 && runs[^1] is var last && last.FirstFrame + last.Frames == run.FirstFrame && last.MapCount == run.MapCount
                && last.Dirty == run.Dirty && last.Owners.SequenceEqual(run.Owners))
                runs[^1] = last with { Frames = last.Frames + run.Frames };
            else runs.Add(run);
        }
        foreach (var f in used)
        {
            if (f.Frame.Value > next) Add(new FrameRun(next, f.Frame.Value - next, 0, false, []));
            Add(new FrameRun(f.Frame.Value, 1, f.MapCount, f.Dirty, owners.TryGetValue(f.Frame.Value, out var set) ? set.ToArray() : []));
            next = f.Frame.Value + 1;
        }
        if (table.Total > next) Add(new FrameRun(next, table.Total - next, 0, false, []));
        return runs;
    }

    public static IReadOnlyList<SmapsRow> SmapsRows(AddressSpaceSnapshot memory) =>
        memory.Segments.OrderBy(s => s.Segment.Start).Select(s => Row(SegmentName(s.Segment), s.Smaps)).ToArray();

    internal static string SegmentName(Segment s) => string.IsNullOrEmpty(s.Name) ? s.Kind.ToString().ToLowerInvariant() : $"{s.Kind.ToString().ToLowerInvariant()} {s.Name}";

    public static SmapsRow Row(string name, Smaps s) => new(name, s.Rss, s.Pss, s.SharedClean, s.SharedDirty, s.PrivateClean, s.PrivateDirty);

    public static FaultCounts Faults(FaultCountsSnapshot f) => new(f.DemandZero, f.CowCopy, f.CowReuse, f.Protection, f.ZeroPageRead, f.PageCache, f.Unmapped);

    public static EventRow Event(KernelEvent e) => e switch
    {
        SyscallEvent s => new(e.Time, e.Pid.Value, "syscall", $"{s.Name}({s.Args}) = {s.Result}"),
        ProcessCreated c => new(e.Time, e.Pid.Value, c.IsThread ? "thread created" : "process created",
            $"{(c.IsThread ? "tid" : "pid")} {c.Child.Value}, parent {c.Parent.Value}, flags {c.Flags}"),
        ProcessExeced x => new(e.Time, e.Pid.Value, "exec", $"{x.Path} [{string.Join(", ", x.Argv)}]"),
        ProcessExited x => new(e.Time, e.Pid.Value, "exit", $"{x.Status} (now a zombie until reaped)"),
        ProcessReaped r => new(e.Time, e.Pid.Value, "reaped", $"by pid {r.By.Value}: {r.Status}"),
        Reparented r => new(e.Time, e.Pid.Value, "reparented", $"orphan: parent {r.OldParent.Value} died, new parent {r.NewParent.Value}"),
        PageFault f => new(e.Time, e.Pid.Value, "page fault", $"{f.Kind} on {(f.Write ? "write" : "read")} at {f.Address}"
            + (f.OldFrame is { } o ? $", frame {o.Value}" : "") + (f.NewFrame is { } n ? $" → frame {n.Value}" : "")),
        FrameAllocated a => new(e.Time, e.Pid.Value, "frame allocated", $"frame {a.Frame.Value}"),
        FrameFreed ff => new(e.Time, e.Pid.Value, "frame freed", $"frame {ff.Frame.Value}"),
        ThreadStateChanged t => new(e.Time, e.Pid.Value, "thread state", $"{t.From} → {t.To}: {t.Reason}"),
        Scheduled => new(e.Time, e.Pid.Value, "scheduled", "runs on the CPU"),
        SignalDelivered s => new(e.Time, e.Pid.Value, "signal", $"{s.Signal}{(s.From is { } from ? $" from pid {from.Value}" : "")}: {s.Action}"),
        ProgramOutput o => new(e.Time, e.Pid.Value, "output", o.Text),
        _ => new(e.Time, e.Pid.Value, e.GetType().Name, e.ToString()),
    };
}
