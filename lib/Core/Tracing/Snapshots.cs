using System.Text;
using CourseKit.Kernel;
using CourseKit.Memory;

namespace CourseKit.Tracing;

/// <summary>
/// The whole machine at one logical time: every process, the frame table and the process tree. Immutable
/// and compared by value, so "before" and "after" can be kept side by side and checked for equality.
/// </summary>
/// <param name="Time">The logical time of the snapshot.</param>
/// <param name="PageSize">Bytes per page.</param>
/// <param name="Processes">Live and zombie processes by PID.</param>
/// <param name="Frames">The used frames with their map counts.</param>
/// <param name="Tree">Who is whose parent.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record MachineSnapshot(long Time, int PageSize, ValueList<ProcessSnapshot> Processes, FrameTableSnapshot Frames, ProcessTreeSnapshot Tree)
{
    internal static MachineSnapshot Of(Machine machine) => new(machine.Clock, machine.PageSize,
        new ValueList<ProcessSnapshot>(machine.Processes.Select(ProcessSnapshot.Of)),
        machine.Memory.Snapshot(), ProcessTreeSnapshot.Of(machine));

    /// <summary>The process with this PID, or null.</summary>
    public ProcessSnapshot? this[Pid pid] => Processes.FirstOrDefault(p => p.Pid == pid);

    /// <summary>True when both show the same state, whatever their times (e.g. before and after a failed call).</summary>
    public bool SameStateAs(MachineSnapshot other) => this with { Time = other.Time } == other;
}

/// <summary>One process at one moment (what ps, /proc/PID/status and /proc/PID/smaps would show).</summary>
/// <param name="Pid">The PID (= TGID).</param>
/// <param name="PPid">The parent's PID (0 for init).</param>
/// <param name="Uid">The owner.</param>
/// <param name="Command">The command name.</param>
/// <param name="Executable">The path of the program it runs.</param>
/// <param name="Argv">The arguments of its last exec.</param>
/// <param name="State">Running, sleeping or zombie.</param>
/// <param name="ExitStatus">The wait status of a zombie.</param>
/// <param name="Threads">Its threads, main thread first.</param>
/// <param name="Memory">Its address space, null for a zombie.</param>
/// <param name="Faults">Page faults taken so far, by kind.</param>
/// <param name="Children">Its children's PIDs, in wait order.</param>
/// <param name="IsChildSubreaper">Whether orphans of its descendants come to it.</param>
/// <param name="ExitSignal">The signal its death sends to the parent.</param>
/// <param name="Pgid">Its process group.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record ProcessSnapshot(Pid Pid, Pid PPid, int Uid, string Command, string Executable, ValueList<string> Argv,
    ProcessState State, WaitStatus? ExitStatus, ValueList<ThreadSnapshot> Threads, AddressSpaceSnapshot? Memory,
    FaultCountsSnapshot Faults, ValueList<Pid> Children, bool IsChildSubreaper, int ExitSignal, Pid Pgid)
{
    /// <summary>The thread-group ID: the PID (Linux's getpid() returns the TGID).</summary>
    public Pid Tgid => Pid;

    /// <summary>The parent whose death made it an orphan (then <see cref="PPid"/> is init or a subreaper); null if never reparented.</summary>
    public Pid? ReparentedFrom { get; init; }

    /// <summary>smaps totals (zero for a zombie).</summary>
    public Smaps Smaps => Memory?.Smaps ?? default;

    /// <summary>The one-letter state ps shows: R, S or Z.</summary>
    public char StateLetter => State switch { ProcessState.Running => 'R', ProcessState.Sleeping => 'S', ProcessState.Zombie => 'Z', _ => 'X' };

    internal static ProcessSnapshot Of(Process p) => new(p.Pid, p.PPid, p.Uid, p.Command, p.Executable,
        new ValueList<string>(p.Argv), p.State, p.ExitStatus,
        new ValueList<ThreadSnapshot>(p.Threads.Select(t => new ThreadSnapshot(t.Tid, t.State, t.BlockedOn, t.Context?.ProgramCounter))),
        p.AddressSpace is { } space ? AddressSpaceSnapshot.Of(space) : null,
        p.Faults.Snapshot(), new ValueList<Pid>(p.Children.Select(c => c.Pid)), p.IsChildSubreaper, p.ExitSignal, p.Pgid)
    {
        ReparentedFrom = p.ReparentedFrom,
    };

    /// <summary>"7 sh R" or "9 ls Z &lt;defunct&gt; exited with 0 (0x0000)".</summary>
    public override string ToString() =>
        $"{Pid.Value} {Command} {StateLetter}{(ExitStatus is { } s ? $" <defunct> {s}" : "")}";
}

/// <summary>One thread at one moment.</summary>
/// <param name="Tid">Its thread ID.</param>
/// <param name="State">Runnable, running, blocked or exited.</param>
/// <param name="BlockedOn">What a blocked thread waits for.</param>
/// <param name="ProgramCounter">Where it is in its program, when an interpreter drives it.</param>
public sealed record ThreadSnapshot(Pid Tid, SimThreadState State, string? BlockedOn, int? ProgramCounter);

/// <summary>
/// An address space at one moment: its segments (with per-segment smaps), its present pages, and totals.
/// </summary>
/// <param name="Id">Which address space (processes sharing one via CLONE_VM show the same Id).</param>
/// <param name="Users">How many processes use it.</param>
/// <param name="Segments">The segments with their smaps.</param>
/// <param name="Pages">Every present page: page number, frame, PTE bits and the frame's map count.</param>
/// <param name="Smaps">Totals over the segments.</param>
/// <param name="Break">The program break.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record AddressSpaceSnapshot(int Id, int Users, ValueList<SegmentSnapshot> Segments, ValueList<PageSnapshot> Pages, Smaps Smaps, VirtualAddress Break)
{
    internal static AddressSpaceSnapshot Of(AddressSpace space)
    {
        // Built in place at its final size: a million-page snapshot is one 24 MB array, not a list plus a copy.
        var pages = System.Collections.Immutable.ImmutableArray.CreateBuilder<PageSnapshot>(space.ResidentPages);
        var segments = new List<SegmentSnapshot>(space.Segments.Count);
        var total = new SmapsAccumulator();
        foreach (var segment in space.Segments)
        {
            var sums = space.SegmentSmaps(segment, pages);
            total.Add(sums);
            segments.Add(new SegmentSnapshot(segment, sums.ToSmaps()));
        }
        return new AddressSpaceSnapshot(space.Id, space.Users, new ValueList<SegmentSnapshot>(segments),
            new ValueList<PageSnapshot>(pages.DrainToImmutable()), total.ToSmaps(), space.Break);
    }

    /// <summary>Present pages grouped into runs of consecutive pages with the same bits (for views of big spaces).</summary>
    public IEnumerable<PageRun> Runs()
    {
        PageRun? run = null;
        foreach (var page in Pages)
        {
            if (run is { } r && r.Start.Value + (ulong)r.Count == page.Page.Value && r.Flags == page.Flags)
            {
                run = r with { Count = r.Count + 1 };
                continue;
            }
            if (run is { } done) yield return done;
            run = new PageRun(page.Page, 1, page.Flags);
        }
        if (run is { } last) yield return last;
    }

    /// <summary>The segment that contains <paramref name="address"/>, or null.</summary>
    public SegmentSnapshot? SegmentAt(VirtualAddress address) => Segments.FirstOrDefault(s => s.Segment.Contains(address));
}

/// <summary>A segment with its smaps numbers.</summary>
public sealed record SegmentSnapshot(Segment Segment, Smaps Smaps);

/// <summary>A present page: where it is mapped and how.</summary>
public readonly record struct PageSnapshot(PageNumber Page, FrameNumber Frame, PteFlags Flags, int MapCount);

/// <summary>Consecutive present pages with the same PTE bits.</summary>
public readonly record struct PageRun(PageNumber Start, int Count, PteFlags Flags);

/// <summary>The frame table at one moment: totals and every used frame.</summary>
/// <param name="Total">All frames.</param>
/// <param name="Free">Frames on the free list.</param>
/// <param name="PageSize">Bytes per frame.</param>
/// <param name="Used">Each used frame with its map count.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record FrameTableSnapshot(int Total, int Free, int PageSize, ValueList<FrameSnapshot> Used)
{
    /// <summary>Frames in use.</summary>
    public int UsedCount => Total - Free;
}

/// <summary>A used frame: how many entries map it, whether it was written, which executable page it caches.</summary>
public readonly record struct FrameSnapshot(FrameNumber Frame, int MapCount, bool Dirty, string? PageCacheOf);

/// <summary>The process tree at one moment: parent → children edges, and a pstree-like text.</summary>
/// <param name="Nodes">Every process with its parent and command.</param>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed record ProcessTreeSnapshot(ValueList<ProcessTreeNode> Nodes)
{
    internal static ProcessTreeSnapshot Of(Machine machine) => new(new ValueList<ProcessTreeNode>(
        machine.Processes.Select(p => new ProcessTreeNode(p.Pid, p.PPid, p.Command, p.State == ProcessState.Zombie,
            new ValueList<Pid>(p.Children.Select(c => c.Pid))))));

    /// <summary>The node for a PID, or null.</summary>
    public ProcessTreeNode? this[Pid pid] => Nodes.FirstOrDefault(n => n.Pid == pid);

    /// <summary>The children of <paramref name="pid"/>, in order.</summary>
    public IReadOnlyList<Pid> ChildrenOf(Pid pid) => (IReadOnlyList<Pid>?)this[pid]?.Children ?? [];

    /// <summary>
    /// An indented tree like <c>pstree -p</c>: "init(1)" then "  sh(2)" and so on. Every root is drawn (a process
    /// whose parent is not in the tree: init on a simulated machine, the traced shell in an imported strace).
    /// </summary>
    public string ToText()
    {
        var text = new StringBuilder();
        var inTree = Nodes.Select(n => n.Pid).ToHashSet();
        var drawn = new HashSet<Pid>();
        void Walk(Pid pid, int depth)
        {
            if (this[pid] is not { } node || !drawn.Add(pid)) return;
            text.Append(' ', depth * 2).Append(node.Command).Append('(').Append(pid.Value).Append(')')
                .Append(node.IsZombie ? " <defunct>" : "").Append('\n');
            foreach (var child in node.Children) Walk(child, depth + 1);
        }
        foreach (var root in Nodes.Where(n => !inTree.Contains(n.PPid) || n.PPid == n.Pid).OrderBy(n => n.Pid.Value)) Walk(root.Pid, 0);
        return text.ToString();
    }
}

/// <summary>A process in the tree.</summary>
public sealed record ProcessTreeNode(Pid Pid, Pid PPid, string Command, bool IsZombie, ValueList<Pid> Children);
