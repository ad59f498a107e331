namespace CourseKit.Memory;

/// <summary>What a segment (a VMA, one line of /proc/PID/maps) holds.</summary>
public enum SegmentKind
{
    /// <summary>Program code: read-only and executable, backed by the executable file, shared for good.</summary>
    Code,
    /// <summary>Initialized and zeroed program data (.data and .bss): private and writable.</summary>
    Data,
    /// <summary>The heap, grown and shrunk by brk/sbrk (what malloc uses for small blocks).</summary>
    Heap,
    /// <summary>The stack: grows down on demand up to the stack limit.</summary>
    Stack,
    /// <summary>An anonymous mapping made by mmap (what malloc uses for big blocks).</summary>
    Mmap,
}

/// <summary>
/// A virtual memory area: a page-aligned range [Start, End) with one protection and one kind of backing.
/// Immutable: growing the heap or the stack replaces the record, so snapshots can keep it.
/// </summary>
/// <param name="Kind">What the segment holds.</param>
/// <param name="Start">First address (page aligned).</param>
/// <param name="End">One past the last address (page aligned).</param>
/// <param name="Protection">What accesses are allowed; a write to a segment without Write is a SIGSEGV.</param>
/// <param name="Shared">MAP_SHARED: fork shares the frames writable instead of copy-on-write.</param>
/// <param name="File">The backing file (the executable for code), or null for anonymous memory.</param>
/// <param name="FilePage">Page of the file mapped at <paramref name="Start"/>.</param>
public sealed record Segment(SegmentKind Kind, VirtualAddress Start, VirtualAddress End, Protection Protection,
    bool Shared = false, string? File = null, long FilePage = 0)
{
    /// <summary>Size in bytes.</summary>
    public long Length => (long)(End.Value - Start.Value);

    /// <summary>Number of pages.</summary>
    public long Pages(int pageSize) => Length / pageSize;

    /// <summary>True when <paramref name="address"/> lies in [Start, End).</summary>
    public bool Contains(VirtualAddress address) => address >= Start && address < End;

    /// <summary>True for private writable memory: the pages fork shares copy-on-write.</summary>
    public bool IsPrivateWritable => !Shared && (Protection & Protection.Write) != 0;

    /// <summary>The name /proc/PID/maps shows: the file, [heap], [stack], or empty for anonymous memory.</summary>
    public string Name => Kind switch
    {
        SegmentKind.Code => File ?? "",
        SegmentKind.Data => File ?? "",
        SegmentKind.Heap => "[heap]",
        SegmentKind.Stack => "[stack]",
        _ => "",
    };

    /// <summary>A /proc/PID/maps-style line: "00400000-00405000 r-xp 00000000 /bin/ls".</summary>
    public override string ToString() =>
        $"{Start.Value:x8}-{End.Value:x8} {((Protection & Protection.Read) != 0 ? 'r' : '-')}"
        + $"{((Protection & Protection.Write) != 0 ? 'w' : '-')}{((Protection & Protection.Exec) != 0 ? 'x' : '-')}"
        + $"{(Shared ? 's' : 'p')} {Kind} {Name}".TrimEnd();
}

/// <summary>The kinds of page fault the kernel handles (and the two that kill: SIGSEGV).</summary>
public enum FaultKind
{
    /// <summary>
    /// A fresh zero-filled frame is allocated for an anonymous page: on its first touch, or (with the zero
    /// page) on the first write after reads had mapped the shared zero page.
    /// </summary>
    DemandZero,
    /// <summary>First touch of a file page (code): mapped from the page cache, read in if not cached yet.</summary>
    PageCache,
    /// <summary>Write to a copy-on-write page still mapped by others: copied into a new frame.</summary>
    CowCopy,
    /// <summary>Write to a copy-on-write page whose other mappers are gone: made writable again, no copy.</summary>
    CowReuse,
    /// <summary>Access not allowed by the segment (write to code or to read-only memory): SIGSEGV (SEGV_ACCERR).</summary>
    Protection,
    /// <summary>Access outside every segment: SIGSEGV (SEGV_MAPERR).</summary>
    Unmapped,
    /// <summary>
    /// First touch of an anonymous private page is a read (with <c>MachineOptions.ZeroPage</c>, as stock
    /// Linux): the shared zero page is mapped read-only, no frame is allocated and Rss does not grow.
    /// </summary>
    ZeroPageRead,
}

/// <summary>
/// Page faults taken by one process, by kind. Linux reports the resolved ones together as minor faults
/// (min_flt in /proc/PID/stat): that is <see cref="Minor"/>.
/// </summary>
public sealed class FaultCounters
{
    private static readonly int KindCount = Enum.GetValues<FaultKind>().Length;
    private readonly long[] _counts = new long[KindCount];

    /// <summary>Faults of one kind.</summary>
    public long this[FaultKind kind] => _counts[(int)kind];

    /// <summary>Demand-zero faults.</summary>
    public long DemandZero => this[FaultKind.DemandZero];
    /// <summary>Page-cache faults (code).</summary>
    public long PageCache => this[FaultKind.PageCache];
    /// <summary>Copy-on-write faults that copied.</summary>
    public long CowCopy => this[FaultKind.CowCopy];
    /// <summary>Copy-on-write faults that reused the frame.</summary>
    public long CowReuse => this[FaultKind.CowReuse];
    /// <summary>Protection faults (SIGSEGV).</summary>
    public long Protection => this[FaultKind.Protection];
    /// <summary>Faults outside every segment (SIGSEGV).</summary>
    public long Unmapped => this[FaultKind.Unmapped];
    /// <summary>Read faults that mapped the shared zero page.</summary>
    public long ZeroPageRead => this[FaultKind.ZeroPageRead];
    /// <summary>Faults the kernel resolved (what Linux counts as minor faults).</summary>
    public long Minor => DemandZero + PageCache + CowCopy + CowReuse + ZeroPageRead;

    internal void Count(FaultKind kind) => _counts[(int)kind]++;

    /// <summary>An immutable copy of the counts.</summary>
    public FaultCountsSnapshot Snapshot() => new(DemandZero, PageCache, CowCopy, CowReuse, Protection, Unmapped, ZeroPageRead);
}

/// <summary>Fault counts at one moment.</summary>
public readonly record struct FaultCountsSnapshot(long DemandZero, long PageCache, long CowCopy, long CowReuse, long Protection, long Unmapped, long ZeroPageRead = 0)
{
    /// <summary>Faults the kernel resolved (Linux's minor faults).</summary>
    public long Minor => DemandZero + PageCache + CowCopy + CowReuse + ZeroPageRead;
}

/// <summary>
/// The /proc/PID/smaps numbers, in kB, computed as Linux does: a page mapped by 2 or more entries is
/// Shared_*, by one entry Private_*; *_Dirty once written; Pss adds page_size / map count.
/// </summary>
/// <param name="Rss">Resident memory: every present page.</param>
/// <param name="Pss">Proportional share: each page divided by its map count (truncated to kB as Linux prints it).</param>
/// <param name="SharedClean">Pages mapped elsewhere too, never written.</param>
/// <param name="SharedDirty">Pages mapped elsewhere too, written.</param>
/// <param name="PrivateClean">Pages mapped only here, never written.</param>
/// <param name="PrivateDirty">Pages mapped only here, written.</param>
/// <param name="PssBytes">Pss in bytes without rounding (sums over processes add up to resident memory).</param>
public readonly record struct Smaps(long Rss, long Pss, long SharedClean, long SharedDirty, long PrivateClean, long PrivateDirty, decimal PssBytes)
{
    /// <summary>Lines as in /proc/PID/smaps.</summary>
    public override string ToString() =>
        $"Rss: {Rss} kB, Pss: {Pss} kB, Shared_Clean: {SharedClean} kB, Shared_Dirty: {SharedDirty} kB, Private_Clean: {PrivateClean} kB, Private_Dirty: {PrivateDirty} kB";
}
