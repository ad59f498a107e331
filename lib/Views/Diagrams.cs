namespace CourseKit.Views;

// What the views draw. The adapters (Adapters.cs) fold core snapshots into these small records; the
// renderers only ever see them, so a view is tested with a hand-made diagram as easily as with a machine.
// Numbers are plain here on purpose: these records are internal drawing data, not the public API.

/// <summary>Consecutive virtual pages alike in every way a view shows: state, map count, dirtiness, and
/// (when present) consecutive frames. Views draw runs, never single pages, so their size grows with runs.</summary>
/// <param name="FirstPage">Virtual page number of the first page.</param>
/// <param name="Pages">Number of pages (at least 1).</param>
/// <param name="State">How the pages are backed.</param>
/// <param name="FirstFrame">Frame of the first page (the others follow), or null when not present.</param>
/// <param name="MapCount">How many page tables map each frame (0 when not present).</param>
/// <param name="Dirty">Written since it was mapped (smaps' *_Dirty).</param>
internal sealed record PageSpan(ulong FirstPage, ulong Pages, PageState State, long? FirstFrame, int MapCount, bool Dirty)
{
    public ulong EndPage => FirstPage + Pages; // exclusive
    public long? LastFrame => FirstFrame + (long)Pages - 1;
    public bool Contains(ulong page) => page >= FirstPage && page < EndPage;
}

/// <summary>A segment (VMA) and its runs, lowest address first; <paramref name="File"/> is the mapped file, if any.</summary>
internal sealed record SegmentDiagram(string Kind, ulong Start, ulong End, string Protection, IReadOnlyList<PageSpan> Runs, string? File = null);

/// <summary>A thread and its program counter: the index of the next instruction of its program (the course's
/// programs are instruction lists, not machine code at addresses), or null when no interpreter drives it.</summary>
internal sealed record ThreadDiagram(int Tid, string State, int? Pc);

/// <summary>One process's address space, as the process image view draws it.</summary>
internal sealed record ProcessDiagram(int Pid, string Command, string State, int PageSize,
    IReadOnlyList<SegmentDiagram> Segments, IReadOnlyList<ThreadDiagram> Threads);

/// <summary>A row of the process tree.</summary>
internal sealed record TreeRow(int Pid, int Ppid, string Command, string State, string? ExitStatus, int? Threads,
    int? ReparentedFrom, int Depth);

/// <summary>Consecutive frames alike: free, or mapped with the same count by the same owners.</summary>
internal sealed record FrameRun(long FirstFrame, long Frames, int MapCount, bool Dirty, IReadOnlyList<int> Owners)
{
    public bool Free => MapCount == 0;
}

/// <summary>Smaps numbers of one segment (or the total), in kB as Linux prints them.</summary>
internal sealed record SmapsRow(string Name, long Rss, long Pss, long SharedClean, long SharedDirty, long PrivateClean, long PrivateDirty);

/// <summary>Fault counters by kind.</summary>
internal sealed record FaultCounts(long DemandZero, long CowCopy, long CowReuse, long Protection,
    long ZeroPageRead = 0, long PageCache = 0, long Unmapped = 0)
{
    /// <summary>The faults the kernel resolved: what ps -o min_flt and getrusage's ru_minflt count.</summary>
    public long Minor => DemandZero + ZeroPageRead + PageCache + CowCopy + CowReuse;
}

/// <summary>A row of the event log.</summary>
internal sealed record EventRow(long Time, int Pid, string Kind, string Text);
