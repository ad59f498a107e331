using System.Runtime.InteropServices;
using CourseKit.Tracing;

namespace CourseKit.Memory;

/// <summary>
/// The simulated RAM: a table of page-sized frames, each with a map count (how many page-table entries
/// point at it), a dirty bit and its content, plus a free list and the page cache of executables.
/// </summary>
/// <remarks>
/// <para>The frame table is one array of small structs (16 bytes per frame, no object per frame), so a
/// million-page machine stays small: most pages hold at most one written word, kept inline in the slot;
/// the few pages with more have a content object in a side table. Contents are immutable and shared between
/// frames until written, which makes the copy in a copy-on-write fault O(1).</para>
/// <para>Map counts are changed only by <see cref="Map"/> and <see cref="Unmap"/>, which the page-table code
/// calls when it adds or removes an entry: the invariant "map count = number of entries pointing here" is
/// maintained in one place. A frame whose count drops to zero goes back to the free list at once.</para>
/// </remarks>
public sealed class PhysicalMemory
{
    private readonly Frame[] _frames;
    private readonly int[] _free;  // stack of free frame numbers; the top is handed out next
    private int _freeCount;
    private readonly int _totalFrames;
    private readonly Dictionary<int, PageContent> _contents = []; // frames with more than one written word
    private readonly Dictionary<(string File, long Page), int> _pageCache = [];
    private readonly Dictionary<int, (string File, long Page)> _pageCacheOwner = [];

    /// <summary>
    /// Creates <paramref name="frames"/> free frames of <paramref name="pageSize"/> bytes. With
    /// <paramref name="zeroPage"/>, one more frame outside the free list and outside <see cref="TotalFrames"/>
    /// is the shared zero page (Linux's empty_zero_page: reserved at boot, not part of usable memory).
    /// </summary>
    public PhysicalMemory(int frames, int pageSize, bool zeroPage = false)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a machine needs at least 1 frame");
        if (pageSize < 64 || !int.IsPow2(pageSize) || pageSize > 65536)
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "the page size must be a power of two from 64 to 65536 bytes");
        PageSize = pageSize;
        _frames = new Frame[zeroPage ? frames + 1 : frames];
        _totalFrames = frames;
        if (zeroPage) ZeroFrame = new FrameNumber(frames); // never allocated, never written: reads give zeros
        _free = new int[frames];
        for (int i = 0; i < frames; i++) _free[i] = frames - 1 - i; // frame 0 is handed out first
        _freeCount = frames;
    }

    /// <summary>Bytes per frame (and per page).</summary>
    public int PageSize { get; }
    /// <summary>Number of 8-byte words per page.</summary>
    internal int PageWords => PageSize / 8;
    /// <summary>All frames of the machine.</summary>
    public int TotalFrames => _totalFrames;

    /// <summary>
    /// The shared zero page, when the machine has one (<c>MachineOptions.ZeroPage</c>): read faults on
    /// untouched anonymous pages map it read-only. Like Linux's zero page it is not a normal page: it has no
    /// map count, is never freed, and is counted in no Rss, Pss or smaps column and in no frame total.
    /// </summary>
    public FrameNumber? ZeroFrame { get; }
    /// <summary>Frames on the free list.</summary>
    public int FreeFrames => _freeCount;
    /// <summary>Frames mapped by at least one page-table entry.</summary>
    public int UsedFrames => _totalFrames - _freeCount;

    /// <summary>
    /// How many page-table entries map this frame (Linux's mapcount). An entry in a leaf that several page
    /// tables reach (on-demand fork) counts once per table, exactly as if each table had its own copy.
    /// </summary>
    public int MapCount(FrameNumber frame) => At(frame).MapCount + MappingsThroughSharedTables(frame);

    /// <summary>
    /// The stored count: page-table pages (leaves) with an entry for the frame, each counted once however
    /// many tables share it. Equal to <see cref="MapCount"/> when no leaf is shared. A write fault may reuse
    /// the frame when this is 1 and the writer's leaf is its own.
    /// </summary>
    internal int LeafMapCount(FrameNumber frame) => At(frame).MapCount;

    // ----- page tables shared by on-demand fork -----

    private readonly HashSet<PageTablePage> _sharedPages = []; // leaves and directories with more than one sharer
    private Dictionary<int, int>? _sharedMappings; // frame -> mappings beyond the stored count, through shared tables
    private PageTableWork _pageTableWork;

    /// <summary>What copying and sharing page tables has cost so far (see <see cref="CourseKit.Memory.PageTableWork"/>).</summary>
    public PageTableWork PageTableWork => _pageTableWork;

    internal void CountWork(PageTableWork work) => _pageTableWork += work;

    /// <summary>One more table above points at <paramref name="page"/> (a directory at a leaf, a page table at a directory).</summary>
    internal void Shared(PageTablePage page)
    {
        if (++page.Sharers == 2) _sharedPages.Add(page);
        _sharedMappings = null;
    }

    /// <summary>One table above fewer points at <paramref name="page"/> (it copied the page or let it go).</summary>
    internal void Unshared(PageTablePage page)
    {
        if (page.Sharers <= 1) throw new CourseKit.Kernel.KernelBugException($"unsharing a {page.GetType().Name} that only one table uses");
        if (--page.Sharers == 1) _sharedPages.Remove(page);
        _sharedMappings = null;
    }

    /// <summary>
    /// The mappings shared tables add beyond the stored count. The stored count has one per leaf with an entry for
    /// the frame; the page tables that reach a leaf number the sum, over the directories holding it, of each
    /// directory's sharers. So an entry adds (leaf sharers - 1) plus (directory sharers - 1) for each shared
    /// directory holding its leaf. Worked out when first asked after a change (views and smaps ask; fork and
    /// faults never do), so fork stays cheap while every count reads as after a classic fork.
    /// </summary>
    private int MappingsThroughSharedTables(FrameNumber frame)
    {
        if (_sharedPages.Count == 0) return 0;
        if (_sharedMappings is null)
        {
            var extra = new Dictionary<int, int>();
            void Add(PageTableLeaf leaf, int mappings)
            {
                foreach (ref readonly var pte in leaf.Entries.AsSpan())
                    if (pte.Present) extra[pte.Frame] = extra.GetValueOrDefault(pte.Frame) + mappings;
            }
            foreach (var page in _sharedPages)
            {
                if (page is PageTableLeaf leaf) Add(leaf, leaf.Sharers - 1);
                else if (page is PageTableDirectory directory)
                    foreach (var under in directory.ExistingLeaves) Add(under, directory.Sharers - 1);
            }
            _sharedMappings = extra;
        }
        return _sharedMappings.GetValueOrDefault(frame.Value);
    }

    /// <summary>True once the frame's content was written (smaps' *_Dirty columns).</summary>
    public bool IsDirty(FrameNumber frame) => (At(frame).Flags & FrameFlags.Dirty) != 0;
    /// <summary>True when the frame is in use.</summary>
    public bool IsAllocated(FrameNumber frame) => (At(frame).Flags & FrameFlags.Allocated) != 0;
    /// <summary>The executable page this frame caches, if it is a page-cache frame (code).</summary>
    public (string File, long Page)? PageCacheKey(FrameNumber frame) =>
        _pageCacheOwner.TryGetValue(frame.Value, out var key) ? key : null;

    internal ref Frame At(FrameNumber frame) => ref _frames[frame.Value];

    /// <summary>Called with (frame, allocated?) on every allocation and free: the machine records events with it.</summary>
    internal Action<FrameNumber, bool>? Observer { get; set; }

    /// <summary>Takes a zero-filled frame off the free list, with map count 0; false when memory is full.</summary>
    internal bool TryAllocate(out FrameNumber frame)
    {
        if (_freeCount == 0)
        {
            frame = default;
            return false;
        }
        int number = _free[--_freeCount];
        _frames[number] = new Frame { Flags = FrameFlags.Allocated };
        frame = new FrameNumber(number);
        Observer?.Invoke(frame, true);
        return true;
    }

    /// <summary>Adds a page-table reference to a frame.</summary>
    internal void Map(FrameNumber frame)
    {
        ref var f = ref _frames[frame.Value];
        if ((f.Flags & FrameFlags.Allocated) == 0) throw new CourseKit.Kernel.KernelBugException($"mapping free {frame}{(frame == ZeroFrame ? " (the zero page has no map count)" : "")}");
        f.MapCount++;
    }

    /// <summary>Removes a page-table reference; the last one frees the frame (and drops it from the page cache).</summary>
    internal void Unmap(FrameNumber frame)
    {
        ref var f = ref _frames[frame.Value];
        if (f.MapCount <= 0) throw new CourseKit.Kernel.KernelBugException($"unmapping {frame} with map count {f.MapCount}");
        if (--f.MapCount == 0) Free(frame);
    }

    private void Free(FrameNumber frame)
    {
        if ((_frames[frame.Value].Flags & FrameFlags.PageCache) != 0 && _pageCacheOwner.Remove(frame.Value, out var key))
            _pageCache.Remove(key);
        if ((_frames[frame.Value].Flags & FrameFlags.Content) != 0) _contents.Remove(frame.Value);
        _frames[frame.Value] = default;
        _free[_freeCount++] = frame.Value;
        Observer?.Invoke(frame, false);
    }

    /// <summary>The page-cache frame holding page <paramref name="page"/> of <paramref name="file"/>, if resident.</summary>
    internal bool TryFindCached(string file, long page, out FrameNumber frame)
    {
        bool found = _pageCache.TryGetValue((file, page), out int number);
        frame = new FrameNumber(number);
        return found;
    }

    /// <summary>Records a freshly allocated frame as holding page <paramref name="page"/> of <paramref name="file"/>.</summary>
    internal void AddToPageCache(FrameNumber frame, string file, long page)
    {
        _pageCache.Add((file, page), frame.Value);
        _pageCacheOwner.Add(frame.Value, (file, page));
        _frames[frame.Value].Flags |= FrameFlags.PageCache;
    }

    internal int PageCacheCount => _pageCache.Count;

    /// <summary>Reads the 8-byte word at <paramref name="wordIndex"/> of a frame.</summary>
    internal ulong ReadWord(FrameNumber frame, int wordIndex)
    {
        ref var f = ref _frames[frame.Value];
        if ((f.Flags & FrameFlags.Content) != 0) return _contents[frame.Value].Read(wordIndex);
        return (f.Flags & FrameFlags.InlineWord) != 0 && f.InlineIndex == wordIndex ? f.InlineWord : 0;
    }

    /// <summary>Writes an 8-byte word; the common single-word page stays inline (no allocation).</summary>
    internal void WriteWord(FrameNumber frame, int wordIndex, ulong value)
    {
        if (frame == ZeroFrame) throw new CourseKit.Kernel.KernelBugException("a write reached the shared zero page (it must fault first)");
        ref var f = ref _frames[frame.Value];
        f.Flags |= FrameFlags.Dirty;
        bool hasContent = (f.Flags & FrameFlags.Content) != 0;
        if (!hasContent && ((f.Flags & FrameFlags.InlineWord) == 0 || f.InlineIndex == wordIndex))
        {
            f.Flags |= FrameFlags.InlineWord;
            f.InlineIndex = (ushort)wordIndex;
            f.InlineWord = value;
            return;
        }
        var content = hasContent ? _contents[frame.Value] : PageContent.FromWords([(f.InlineIndex, f.InlineWord)], PageWords);
        f.Flags = (f.Flags & ~FrameFlags.InlineWord) | FrameFlags.Content;
        f.InlineIndex = 0;
        f.InlineWord = 0;
        _contents[frame.Value] = content.With(wordIndex, [value], PageWords);
    }

    /// <summary>Reads bytes starting at byte <paramref name="offset"/> of a frame (little-endian words).</summary>
    internal void Read(FrameNumber frame, int offset, Span<byte> into)
    {
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < into.Length;)
        {
            int word = (offset + i) / 8, inWord = (offset + i) % 8;
            ulong value = ReadWord(frame, word);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            int n = Math.Min(8 - inWord, into.Length - i);
            bytes.Slice(inWord, n).CopyTo(into[i..]);
            i += n;
        }
    }

    /// <summary>Writes bytes starting at byte <paramref name="offset"/> of a frame.</summary>
    internal void Write(FrameNumber frame, int offset, ReadOnlySpan<byte> data)
    {
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < data.Length;)
        {
            int word = (offset + i) / 8, inWord = (offset + i) % 8;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, ReadWord(frame, word));
            int n = Math.Min(8 - inWord, data.Length - i);
            data.Slice(i, n).CopyTo(bytes[inWord..]);
            WriteWord(frame, word, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            i += n;
        }
    }

    /// <summary>Gives <paramref name="to"/> the content of <paramref name="from"/>: O(1), the payload is shared.</summary>
    internal void CopyContent(FrameNumber from, FrameNumber to)
    {
        ref var source = ref _frames[from.Value];
        ref var target = ref _frames[to.Value];
        if ((source.Flags & FrameFlags.Content) != 0) _contents[to.Value] = _contents[from.Value];
        else if ((target.Flags & FrameFlags.Content) != 0) _contents.Remove(to.Value);
        target.InlineIndex = source.InlineIndex;
        target.InlineWord = source.InlineWord;
        const FrameFlags copied = FrameFlags.InlineWord | FrameFlags.Content | FrameFlags.Dirty;
        target.Flags = (target.Flags & ~copied) | (source.Flags & copied);
    }

    /// <summary>An immutable picture of the used frames (for views and before/after comparisons).</summary>
    public FrameTableSnapshot Snapshot()
    {
        var used = ImmutableArrayBuilder.Create<FrameSnapshot>(UsedFrames);
        for (int i = 0; i < _frames.Length; i++)
        {
            ref var f = ref _frames[i];
            if ((f.Flags & FrameFlags.Allocated) == 0) continue;
            var key = PageCacheKey(new FrameNumber(i));
            used.Add(new FrameSnapshot(new FrameNumber(i), MapCount(new FrameNumber(i)), (f.Flags & FrameFlags.Dirty) != 0,
                key is { } k ? $"{k.File} page {k.Page}" : null));
        }
        return new FrameTableSnapshot(TotalFrames, FreeFrames, PageSize, new ValueList<FrameSnapshot>(used.ToImmutable()));
    }
}

/// <summary>
/// One frame-table slot, 16 bytes: map count, flags and an inline word (most pages hold one). A page with
/// more written words has <see cref="FrameFlags.Content"/> set and its content in the side table.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Frame
{
    public int MapCount;
    public FrameFlags Flags;
    public ushort InlineIndex;
    public ulong InlineWord;
}

[Flags]
internal enum FrameFlags : byte
{
    None = 0,
    Allocated = 1,
    Dirty = 2,
    InlineWord = 4,
    PageCache = 8,
    /// <summary>The page's words are in <see cref="PhysicalMemory"/>'s content table, not inline.</summary>
    Content = 16,
}

internal static class ImmutableArrayBuilder
{
    public static System.Collections.Immutable.ImmutableArray<T>.Builder Create<T>(int capacity) =>
        System.Collections.Immutable.ImmutableArray.CreateBuilder<T>(capacity);
}
