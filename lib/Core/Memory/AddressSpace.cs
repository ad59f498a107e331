using System.Runtime.CompilerServices;

namespace CourseKit.Memory;

/// <summary>How an access to memory ended.</summary>
internal enum AccessOutcome
{
    Ok,
    /// <summary>Outside every segment: SIGSEGV with SEGV_MAPERR.</summary>
    SegvUnmapped,
    /// <summary>Not allowed by the segment's protection: SIGSEGV with SEGV_ACCERR.</summary>
    SegvProtection,
    /// <summary>A frame was needed and none is free: the OOM killer's business.</summary>
    OutOfMemory,
}

/// <summary>A fault that happened during an access: its kind and the frames involved (-1 when none).</summary>
internal readonly record struct FaultInfo(FaultKind Kind, int OldFrame, int NewFrame, bool Happened = true);

/// <summary>
/// A process's view of memory (Linux's mm_struct): segments (VMAs) and the page table that maps their
/// pages to frames. Processes created with CLONE_VM (threads, vfork children) share one address space.
/// </summary>
/// <remarks>
/// Pages are mapped lazily: a segment reserves addresses, the first touch of a page faults and maps a frame
/// (<see cref="HandleMissingPage"/>). After fork, private writable pages are shared read-only and marked
/// copy-on-write; the only place that decides between copying and reusing on a write is
/// <see cref="ResolveWriteFault"/>.
/// </remarks>
public sealed class AddressSpace
{
    private readonly List<Segment> _segments = [];
    private Segment? _lastSegment;

    internal AddressSpace(PhysicalMemory memory, MemoryLayout layout)
    {
        Memory = memory;
        Layout = layout;
        PageTable = new PageTable(memory);
    }

    internal PhysicalMemory Memory { get; }
    internal MemoryLayout Layout { get; }
    private int PageSize => Memory.PageSize;

    /// <summary>A number naming this space, so views can show which processes share one (CLONE_VM).</summary>
    public int Id { get; internal set; }

    /// <summary>The page table mapping this space's pages to frames.</summary>
    public PageTable PageTable { get; private set; }

    /// <summary>The segments in address order (immutable records).</summary>
    public IReadOnlyList<Segment> Segments => _segments;

    /// <summary>Processes using this space (mm_users): more than one after CLONE_VM.</summary>
    public int Users { get; internal set; } = 1;

    /// <summary>Where the heap starts (the initial program break).</summary>
    public VirtualAddress HeapStart { get; private set; }

    /// <summary>The program break: the end of the heap as brk/sbrk see it (not necessarily page aligned).</summary>
    public VirtualAddress Break { get; private set; }

    /// <summary>Resident pages (present entries).</summary>
    public int ResidentPages => PageTable.PresentCount;

    /// <summary>
    /// The C library's state in this image (stdio buffers), kept beside the pages: fork copies it, CLONE_VM
    /// shares it, exec and exit drop it with the image. Null until a program uses stdio (files layer).
    /// </summary>
    public IUserSpaceState? UserSpace { get; set; }

    // ----- building an image (exec) -----

    /// <summary>
    /// Lays out a fresh image: code from <paramref name="file"/>, data, an empty heap and the stack
    /// (xv6's exec builds the same picture). Nothing is resident yet.
    /// </summary>
    internal static AddressSpace ForImage(PhysicalMemory memory, MemoryLayout layout, string file, int codePages, int dataPages)
    {
        var space = new AddressSpace(memory, layout);
        ulong ps = (ulong)memory.PageSize;
        var codeStart = new VirtualAddress(layout.CodeStart);
        var dataStart = codeStart + (long)((ulong)codePages * ps);
        var heapStart = dataStart + (long)((ulong)dataPages * ps);
        space.Add(new Segment(SegmentKind.Code, codeStart, dataStart, Protection.ReadExec, File: file));
        if (dataPages > 0) space.Add(new Segment(SegmentKind.Data, dataStart, heapStart, Protection.ReadWrite));
        space.HeapStart = space.Break = heapStart;
        var stackTop = new VirtualAddress(layout.StackTop);
        space.Add(new Segment(SegmentKind.Stack, stackTop + -(long)((ulong)layout.InitialStackPages * ps), stackTop, Protection.ReadWrite));
        return space;
    }

    private void Add(Segment segment)
    {
        int at = _segments.FindIndex(s => s.Start > segment.Start);
        _segments.Insert(at < 0 ? _segments.Count : at, segment);
        _lastSegment = null;
    }

    private void Replace(Segment old, Segment? replacement)
    {
        int at = _segments.IndexOf(old);
        if (replacement is null) _segments.RemoveAt(at);
        else _segments[at] = replacement;
        _lastSegment = null;
    }

    /// <summary>The segment containing <paramref name="address"/>, or null.</summary>
    public Segment? FindSegment(VirtualAddress address)
    {
        var last = _lastSegment;
        if (last is not null && last.Contains(address)) return last;
        foreach (var segment in _segments)
        {
            if (segment.Contains(address)) return _lastSegment = segment;
        }
        return null;
    }

    // ----- the fault path -----

    /// <summary>
    /// Makes page <paramref name="vpn"/> usable for a read or a write, taking whatever fault is needed:
    /// demand-zero or page-cache on first touch, copy-on-write on a write to a shared page, SIGSEGV when
    /// the segment forbids the access or no segment covers the page.
    /// </summary>
    internal AccessOutcome Touch(ulong vpn, bool write, FaultCounters faults, out FaultInfo fault, out int frame)
    {
        fault = default;
        frame = -1;
        var address = new VirtualAddress(vpn * (ulong)PageSize);
        var segment = FindSegment(address) ?? GrowStack(address);
        if (segment is null) return Segv(FaultKind.Unmapped, faults, out fault, AccessOutcome.SegvUnmapped);
        var need = write ? Protection.Write : Protection.Read;
        if ((segment.Protection & need) == 0) return Segv(FaultKind.Protection, faults, out fault, AccessOutcome.SegvProtection);

        ref readonly var current = ref PageTable.Find(vpn);
        if (!write && !Unsafe.IsNullRef(in current) && (current.Flags & PteFlags.Accessed) != 0 && (current.Present || current.ZeroPage))
        {
            frame = current.Frame; // a read that changes nothing: it may go through a leaf other tables share
            return AccessOutcome.Ok;
        }
        ref var pte = ref PageTable.Walk(vpn);
        if (pte.ZeroPage && !write)
        {
            pte.Flags |= PteFlags.Accessed;
            frame = Memory.ZeroFrame!.Value.Value;
            return AccessOutcome.Ok;
        }
        var outcome = AccessOutcome.Ok;
        if (!pte.Present) outcome = HandleMissingPage(ref pte, segment, vpn, write, faults, out fault);
        if (outcome == AccessOutcome.Ok && !pte.Present)
        {
            frame = Memory.ZeroFrame!.Value.Value; // a read just mapped the zero page
            return AccessOutcome.Ok;
        }
        if (outcome == AccessOutcome.Ok && write && (pte.Flags & PteFlags.Writable) == 0)
            outcome = ResolveWriteFault(ref pte, segment, faults, out fault);
        if (outcome != AccessOutcome.Ok) return outcome;
        if (write && !segment.Shared && Memory.LeafMapCount(pte.FrameNumber) > 1)
            throw new CourseKit.Kernel.KernelBugException($"a write through a private entry to {pte.FrameNumber}, which {Memory.MapCount(pte.FrameNumber)} entries map");
        pte.Flags |= write ? PteFlags.Accessed | PteFlags.Dirty : PteFlags.Accessed;
        frame = pte.Frame;
        return AccessOutcome.Ok;
    }

    private static AccessOutcome Segv(FaultKind kind, FaultCounters faults, out FaultInfo fault, AccessOutcome outcome)
    {
        faults.Count(kind);
        fault = new FaultInfo(kind, -1, -1);
        return outcome;
    }

    /// <summary>
    /// First touch of a page (or first write to a zero-page mapping): map the executable's page from the
    /// page cache (code), or anonymous memory. For anonymous private memory, a READ with the machine's zero
    /// page (stock Linux's do_anonymous_page) maps the shared zero page read-only: no frame, no Rss
    /// (<see cref="FaultKind.ZeroPageRead"/>); a later write faults again and gets a fresh zeroed frame
    /// (<see cref="FaultKind.DemandZero"/>). Without the zero page (or on a write, or in a MAP_SHARED
    /// mapping, which Linux backs with shmem pages) a fresh zero-filled frame is mapped; in a writable segment
    /// it is mapped writable and counted dirty even on a read fault, as Linux does with the zero page disabled.
    /// </summary>
    private AccessOutcome HandleMissingPage(ref Pte pte, Segment segment, ulong vpn, bool write, FaultCounters faults, out FaultInfo fault)
    {
        fault = default;
        if (!write && segment.File is null && !segment.Shared && !pte.ZeroPage && Memory.ZeroFrame is { } zero)
        {
            pte.Frame = zero.Value;
            pte.Flags = PteFlags.ZeroPage | PteFlags.User;
            faults.Count(FaultKind.ZeroPageRead);
            fault = new FaultInfo(FaultKind.ZeroPageRead, -1, zero.Value);
            return AccessOutcome.Ok;
        }
        int oldFrame = pte.ZeroPage ? pte.Frame : -1;
        FaultKind kind;
        FrameNumber frame;
        if (segment.File is not null)
        {
            long filePage = segment.FilePage + (long)(vpn - segment.Start.Value / (ulong)PageSize);
            if (!Memory.TryFindCached(segment.File, filePage, out frame))
            {
                if (!Memory.TryAllocate(out frame)) return AccessOutcome.OutOfMemory;
                Memory.AddToPageCache(frame, segment.File, filePage);
            }
            kind = FaultKind.PageCache;
        }
        else
        {
            if (!Memory.TryAllocate(out frame)) return AccessOutcome.OutOfMemory;
            if ((segment.Protection & Protection.Write) != 0) Memory.At(frame).Flags |= FrameFlags.Dirty;
            kind = FaultKind.DemandZero;
        }
        Memory.Map(frame);
        pte.Frame = frame.Value;
        pte.Flags = PteFlags.Present | PteFlags.User
            | (segment.File is null && (segment.Protection & Protection.Write) != 0 ? PteFlags.Writable : 0);
        PageTable.EntryMapped(vpn);
        faults.Count(kind);
        fault = new FaultInfo(kind, oldFrame, frame.Value);
        return AccessOutcome.Ok;
    }

    /// <summary>
    /// The one place that resolves a write to a present, read-only page of a writable segment (a
    /// copy-on-write page): when another entry still maps the frame, copy it into a new frame; when this
    /// entry is the last one (map count 1), just make it writable again ("reuse", a fault without a copy).
    /// </summary>
    private AccessOutcome ResolveWriteFault(ref Pte pte, Segment segment, FaultCounters faults, out FaultInfo fault)
    {
        fault = default;
        if ((pte.Flags & PteFlags.CopyOnWrite) == 0 || (segment.Protection & Protection.Write) == 0)
            throw new CourseKit.Kernel.KernelBugException($"write fault on a read-only page that is not copy-on-write ({pte.Flags}) in {segment}");
        var old = pte.FrameNumber;
        if (Memory.LeafMapCount(old) == 1) // the writer's leaf is its own (Walk saw to it): 1 means no other entry
        {
            pte.Flags = (pte.Flags | PteFlags.Writable) & ~PteFlags.CopyOnWrite;
            faults.Count(FaultKind.CowReuse);
            fault = new FaultInfo(FaultKind.CowReuse, old.Value, old.Value);
            return AccessOutcome.Ok;
        }
        if (!Memory.TryAllocate(out var copy)) return AccessOutcome.OutOfMemory;
        Memory.CopyContent(old, copy);
        Memory.Map(copy);
        Memory.Unmap(old);
        pte.Frame = copy.Value;
        pte.Flags = (pte.Flags | PteFlags.Writable) & ~PteFlags.CopyOnWrite;
        faults.Count(FaultKind.CowCopy);
        fault = new FaultInfo(FaultKind.CowCopy, old.Value, copy.Value);
        return AccessOutcome.Ok;
    }

    /// <summary>
    /// A touch just below the stack grows it down (as Linux's expand_stack), within the stack limit and
    /// keeping a guard gap to the segment below. Returns the grown segment, or null.
    /// </summary>
    private Segment? GrowStack(VirtualAddress address)
    {
        var stack = _segments.Find(s => s.Kind == SegmentKind.Stack);
        if (stack is null || address >= stack.Start) return null;
        if (stack.End - address > Layout.StackLimitBytes) return null;
        var newStart = new VirtualAddress(address.Value / (ulong)PageSize * (ulong)PageSize);
        long gap = (long)Layout.StackGuardPages * PageSize;
        if (_segments.Any(s => s != stack && s.End > newStart + -gap && s.Start < stack.Start)) return null;
        var grown = stack with { Start = newStart };
        Replace(stack, grown);
        return grown;
    }

    // ----- fork -----

    /// <summary>Pages fork would have to copy without copy-on-write (present pages of private writable segments).</summary>
    internal long PagesToCopyEagerly()
    {
        long pages = 0;
        foreach (var segment in _segments)
        {
            if (!segment.IsPrivateWritable) continue;
            PageTable.ForEachSlice(FirstPage(segment), EndPage(segment), (leaf, from, to, _) =>
            {
                for (int i = from; i < to; i++) if (leaf.Entries[i].Present) pages++;
            });
        }
        return pages;
    }

    /// <summary>
    /// Fork's copy of the address space (xv6's uvmcopy). Code and shared mappings are shared as they are.
    /// Zero-page mappings are copied as entries and stay zero-page mappings in both (no map count, no copy).
    /// Private writable pages are, with <paramref name="copyOnWrite"/>, shared read-only and marked
    /// copy-on-write in both tables; without it, copied into new frames at once (the caller checked that
    /// enough frames are free: <see cref="PagesToCopyEagerly"/>). With <paramref name="onDemand"/> (which needs
    /// copy-on-write) the child's table points at the parent's very directories instead: no entry is copied or
    /// marked and no map count changes now; the first change below a shared directory copies the path to the
    /// entry (see <see cref="PageTable.Walk"/>).
    /// </summary>
    internal AddressSpace CopyForFork(bool copyOnWrite, bool onDemand = false)
    {
        if (onDemand && !copyOnWrite) throw new ArgumentException("on-demand fork shares page tables copy-on-write: it needs copy-on-write", nameof(onDemand));
        var child = new AddressSpace(Memory, Layout) { HeapStart = HeapStart, Break = Break };
        child._segments.AddRange(_segments);
        if (onDemand)
        {
            foreach (var segment in _segments.Where(s => s.IsPrivateWritable)) PageTable.MarkCopyOnWriteLater(FirstPage(segment), EndPage(segment));
            child.PageTable = PageTable.ShareDirectories();
        }
        else
        {
            long mapped = 0;
            foreach (var segment in _segments)
            {
                if (!segment.IsPrivateWritable) mapped += ShareFrames(segment);
                else if (copyOnWrite) mapped += ShareCopyOnWrite(segment);
            }
            Memory.CountWork(new PageTableWork(0, 0, 0, mapped));
            child.PageTable = PageTable.CloneEntries(); // after marking: both tables now say read-only + COW
        }
        child.UserSpace = UserSpace?.CopyForFork();
        if (!copyOnWrite)
            foreach (var segment in _segments.Where(s => s.IsPrivateWritable)) CopyFrames(segment, child);
        return child;
    }

    private long ShareFrames(Segment segment)
    {
        long mapped = 0;
        PageTable.ForEachSlice(FirstPage(segment), EndPage(segment), (leaf, from, to, _) =>
        {
            var entries = leaf.Entries;
            for (int i = from; i < to; i++)
            {
                if (!entries[i].Present) continue;
                Memory.Map(entries[i].FrameNumber);
                mapped++;
            }
        }, change: true);
        return mapped;
    }

    private long ShareCopyOnWrite(Segment segment)
    {
        long mapped = 0;
        PageTable.ForEachSlice(FirstPage(segment), EndPage(segment), (leaf, from, to, _) =>
        {
            var entries = leaf.Entries;
            for (int i = from; i < to; i++)
            {
                if (!entries[i].Present) continue;
                entries[i].Flags = (entries[i].Flags & ~PteFlags.Writable) | PteFlags.CopyOnWrite;
                Memory.Map(entries[i].FrameNumber);
                mapped++;
            }
        }, change: true);
        return mapped;
    }

    private void CopyFrames(Segment segment, AddressSpace child) =>
        PageTable.ForEachSlice(FirstPage(segment), EndPage(segment), (leaf, from, to, leafBase) =>
        {
            var childLeaf = child.PageTable.LeafOf(leafBase);
            for (int i = from; i < to; i++)
            {
                if (!leaf.Entries[i].Present) continue;
                if (!Memory.TryAllocate(out var copy))
                    throw new CourseKit.Kernel.KernelBugException("eager fork ran out of frames after checking they were free");
                Memory.CopyContent(leaf.Entries[i].FrameNumber, copy);
                Memory.Map(copy);
                childLeaf[i].Frame = copy.Value;
            }
        });

    // ----- heap and mappings -----

    /// <summary>
    /// Moves the program break (brk). Growing only reserves addresses (pages come on first touch);
    /// shrinking unmaps the pages above the new break. Returns false when the heap would run into
    /// the next segment or below its start.
    /// </summary>
    internal bool SetBreak(VirtualAddress newBreak)
    {
        if (newBreak < HeapStart) return false;
        var newEnd = PageAlignUp(newBreak);
        var heap = _segments.Find(s => s.Kind == SegmentKind.Heap);
        var oldEnd = heap?.End ?? HeapStart;
        if (newEnd > oldEnd && _segments.Any(s => s.Kind != SegmentKind.Heap && s.Start < newEnd && s.End > oldEnd)) return false;
        if (newEnd < oldEnd) UnmapPages(newEnd.Value / (ulong)PageSize, oldEnd.Value / (ulong)PageSize);
        var resized = newEnd > HeapStart ? new Segment(SegmentKind.Heap, HeapStart, newEnd, Protection.ReadWrite) : null;
        if (heap is null && resized is not null) Add(resized);
        else if (heap is not null) Replace(heap, resized);
        Break = newBreak;
        return true;
    }

    /// <summary>Where an anonymous mapping of <paramref name="pages"/> pages would go: the highest gap below the mmap base.</summary>
    internal VirtualAddress? FindMmapGap(long pages)
    {
        ulong length = (ulong)pages * (ulong)PageSize;
        ulong top = Layout.MmapBase;
        foreach (var segment in _segments.Where(s => s.Start.Value < Layout.MmapBase).OrderByDescending(s => s.Start))
        {
            if (segment.End.Value <= top && top - segment.End.Value >= length) return new VirtualAddress(top - length);
            top = Math.Min(top, segment.Start.Value);
        }
        ulong floor = Break.Value + (ulong)PageSize * 1024; // leave the heap room to grow
        return top >= floor + length ? new VirtualAddress(top - length) : null;
    }

    /// <summary>Adds an anonymous mapping at <paramref name="start"/> (found by <see cref="FindMmapGap"/>).</summary>
    internal Segment Map(VirtualAddress start, long pages, Protection protection, bool shared)
    {
        var segment = new Segment(SegmentKind.Mmap, start, start + pages * PageSize, protection, shared);
        Add(segment);
        return segment;
    }

    /// <summary>Removes an mmap segment and frees its pages (frames others still map stay).</summary>
    internal void Unmap(Segment segment)
    {
        UnmapPages(FirstPage(segment), EndPage(segment));
        Replace(segment, null);
    }

    private void UnmapPages(ulong first, ulong end) =>
        PageTable.ForEachSlice(first, end, (leaf, from, to, _) =>
        {
            var entries = leaf.Entries;
            for (int i = from; i < to; i++)
            {
                if (entries[i].ZeroPage) entries[i] = default; // the zero page has no map count to drop
                if (!entries[i].Present) continue;
                Memory.Unmap(entries[i].FrameNumber);
                entries[i] = default;
                PageTable.EntryUnmapped(leaf);
            }
        }, change: true);

    /// <summary>
    /// Tears the space down (exit_mmap): every frame is unmapped, freed if this was its last mapping. Leaves
    /// other tables still share (on-demand fork) are just let go: their frames stay mapped through them.
    /// </summary>
    internal void Release()
    {
        PageTable.DropSharedTables();
        foreach (var segment in _segments) UnmapPages(FirstPage(segment), EndPage(segment));
        if (PageTable.PresentCount != 0) throw new CourseKit.Kernel.KernelBugException($"{PageTable.PresentCount} pages mapped outside every segment");
        PageTable.Clear();
        _segments.Clear();
        _lastSegment = null;
    }

    // ----- reading and writing (after Touch made the page usable) -----

    /// <summary>The word at <paramref name="address"/> as it is now, without faulting anything in (0 when not resident).</summary>
    internal ulong PeekWord(VirtualAddress address)
    {
        ref readonly var pte = ref PageTable.Find(address.Value / (ulong)PageSize);
        if (Unsafe.IsNullRef(in pte) || !pte.Present) return 0; // zero-page mappings read 0 too
        return Memory.ReadWord(pte.FrameNumber, address.Offset(PageSize) / 8);
    }

    // ----- accounting -----

    /// <summary>smaps numbers for the whole space, or for one segment of it.</summary>
    public Smaps Smaps(Segment? segment = null)
    {
        var total = new SmapsAccumulator();
        foreach (var s in segment is null ? _segments : [segment]) total.Add(SegmentSmaps(s, null));
        return total.ToSmaps();
    }

    /// <summary>
    /// One pass over a segment's present pages: its smaps numbers and, when <paramref name="pages"/> is
    /// given, a record of each page (for snapshots).
    /// </summary>
    internal SmapsAccumulator SegmentSmaps(Segment segment, System.Collections.Immutable.ImmutableArray<Tracing.PageSnapshot>.Builder? pages)
    {
        var sum = new SmapsAccumulator();
        int pageSize = PageSize;
        foreach (var (directory, leaf, from, to, leafBase) in PageTable.Slices(FirstPage(segment), EndPage(segment)))
        {
            var entries = leaf.Entries;
            for (int i = from; i < to; i++)
            {
                ref readonly var pte = ref entries[i];
                if (!pte.Present) continue;
                int mapCount = Memory.MapCount(pte.FrameNumber);
                sum.Add(pageSize, mapCount, (pte.Flags & PteFlags.Dirty) != 0 || Memory.IsDirty(pte.FrameNumber));
                pages?.Add(new Tracing.PageSnapshot(new PageNumber(leafBase + (ulong)i), pte.FrameNumber, PageTable.FlagsAt(directory, leaf, i, leafBase + (ulong)i), mapCount));
            }
        }
        return sum;
    }

    // ----- helpers -----

    internal ulong FirstPage(Segment s) => s.Start.Value / (ulong)PageSize;
    internal ulong EndPage(Segment s) => s.End.Value / (ulong)PageSize;

    internal VirtualAddress PageAlignUp(VirtualAddress a) =>
        new((a.Value + (ulong)PageSize - 1) / (ulong)PageSize * (ulong)PageSize);
}

/// <summary>
/// Where things go in a fresh address space (x86-64 without address randomization, so runs repeat), and
/// the stack limits.
/// </summary>
internal sealed record MemoryLayout(ulong CodeStart, ulong MmapBase, ulong StackTop, int InitialStackPages, long StackLimitBytes, int StackGuardPages)
{
    public static MemoryLayout For(int pageSize)
    {
        ulong Align(ulong a) => a / (ulong)pageSize * (ulong)pageSize;
        return new MemoryLayout(Align(0x40_0000), Align(0x7fff_f7ff_f000), Align(0x7fff_ffff_f000),
            InitialStackPages: Math.Max(1, 132 * 1024 / pageSize), StackLimitBytes: 8 * 1024 * 1024, StackGuardPages: 256);
    }
}

/// <summary>
/// Adds up smaps numbers page by page, as Linux's smaps_account does: Pss in fixed point (bytes &lt;&lt; 12) for
/// the printed kB, and exactly (integer bytes plus a decimal for the shared fractions) for sums.
/// </summary>
internal struct SmapsAccumulator
{
    private long _rss, _sharedClean, _sharedDirty, _privateClean, _privateDirty, _pssWhole;
    private ulong _pssFixed;
    private decimal _pssShared;
    // The open run of shared pages with one map count: a million-page snapshot would otherwise do a 64-bit
    // and a decimal division per page. Its exact Pss share, pages * pageSize / mapCount, is added in one
    // division when the map count changes (runs of pages share one map count).
    private int _runMapCount, _runPageSize;
    private long _runPages;
    private ulong _runFixed;

    public void Add(int pageSize, int mapCount, bool dirty)
    {
        _rss += pageSize;
        if (mapCount == 1)
        {
            _pssFixed += (ulong)pageSize << 12;
            _pssWhole += pageSize;
            if (dirty) _privateDirty += pageSize; else _privateClean += pageSize;
            return;
        }
        if (mapCount != _runMapCount || pageSize != _runPageSize)
        {
            _pssShared = PssShared;
            (_runMapCount, _runPageSize, _runPages) = (mapCount, pageSize, 0);
            _runFixed = ((ulong)pageSize << 12) / (ulong)mapCount; // truncated per page, as Linux's PSS_SHIFT sum
        }
        _runPages++;
        _pssFixed += _runFixed;
        if (dirty) _sharedDirty += pageSize; else _sharedClean += pageSize;
    }

    /// <summary>The shared pages' Pss in bytes, exactly (the open run included).</summary>
    private readonly decimal PssShared => _runPages == 0 ? _pssShared : _pssShared + (decimal)_runPageSize * _runPages / _runMapCount;

    public void Add(SmapsAccumulator other)
    {
        _rss += other._rss;
        _sharedClean += other._sharedClean;
        _sharedDirty += other._sharedDirty;
        _privateClean += other._privateClean;
        _privateDirty += other._privateDirty;
        _pssWhole += other._pssWhole;
        _pssFixed += other._pssFixed;
        _pssShared += other.PssShared;
    }

    public readonly Smaps ToSmaps() => new(_rss / 1024, (long)(_pssFixed >> 22), _sharedClean / 1024, _sharedDirty / 1024,
        _privateClean / 1024, _privateDirty / 1024, _pssWhole + PssShared);
}
