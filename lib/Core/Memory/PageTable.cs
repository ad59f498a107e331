using System.Runtime.CompilerServices;

namespace CourseKit.Memory;

/// <summary>
/// Bits of a page-table entry. Present/Writable/User/Dirty/Accessed are the hardware's bits (as on x86 and
/// RISC-V); CopyOnWrite is the software bit the kernel keeps in a spare PTE bit (RISC-V's RSW, xv6 labs'
/// PTE_COW) to remember "read-only only because it is shared after fork".
/// </summary>
[Flags]
public enum PteFlags : byte
{
    /// <summary>No bits: the page is not mapped (a touch faults).</summary>
    None = 0,
    /// <summary>The entry maps a frame.</summary>
    Present = 1,
    /// <summary>Writes are allowed without a fault.</summary>
    Writable = 2,
    /// <summary>User mode may access the page (always set for process memory).</summary>
    User = 4,
    /// <summary>Read-only because the frame is shared copy-on-write: a write fault copies or reuses it.</summary>
    CopyOnWrite = 8,
    /// <summary>The page was written through this entry.</summary>
    Dirty = 16,
    /// <summary>The page was read or written through this entry.</summary>
    Accessed = 32,
    /// <summary>
    /// Maps the shared, read-only zero page (after a read of an untouched anonymous page, with
    /// <c>MachineOptions.ZeroPage</c>): reads see zeros without a fault, a write faults and gets a fresh zeroed
    /// frame. In Linux this is a present PTE pointing at the zero pfn; the simulator keeps
    /// <see cref="Present"/> clear on it because Present here means "maps a normal page", and everything that
    /// counts normal pages (Rss, Pss, smaps, frame map counts, fork's copying) must skip the zero page, as
    /// Linux's vm_normal_page does.
    /// </summary>
    ZeroPage = 64,
}

/// <summary>One page-table entry: a frame number and its bits (8 bytes, stored in arrays).</summary>
internal struct Pte
{
    public int Frame;
    public PteFlags Flags;

    public readonly bool Present => (Flags & PteFlags.Present) != 0;
    public readonly bool ZeroPage => (Flags & PteFlags.ZeroPage) != 0;
    public readonly FrameNumber FrameNumber => new(Frame);
}

/// <summary>
/// A process's page table: virtual page number → entry. Two levels like the last levels of a hardware
/// page table: a directory of leaf arrays of 512 entries each, created when first needed.
/// </summary>
/// <remarks>
/// Arrays of 8-byte structs keep fork fast (a leaf is copied with one array copy) and memory small
/// (8 bytes per mapped page). Only <see cref="AddressSpace"/> changes entries, and it keeps frame map
/// counts in step with them.
/// </remarks>
public sealed class PageTable
{
    internal const int LeafBits = 9;
    internal const int LeafSize = 1 << LeafBits;
    private const ulong LeafMask = LeafSize - 1;

    private readonly Dictionary<ulong, Pte[]> _leaves;
    private ulong _lastKey = ulong.MaxValue;
    private Pte[]? _lastLeaf;

    internal PageTable() => _leaves = [];

    private PageTable(Dictionary<ulong, Pte[]> leaves) => _leaves = leaves;

    /// <summary>Number of present entries (the resident set size in pages).</summary>
    public int PresentCount { get; internal set; }

    /// <summary>The entry for <paramref name="vpn"/>, creating its leaf if needed (xv6's walk with alloc=1).</summary>
    internal ref Pte Walk(ulong vpn)
    {
        ulong key = vpn >> LeafBits;
        if (key != _lastKey || _lastLeaf is null)
        {
            if (!_leaves.TryGetValue(key, out var leaf))
            {
                leaf = new Pte[LeafSize];
                _leaves.Add(key, leaf);
            }
            _lastKey = key;
            _lastLeaf = leaf;
        }
        return ref _lastLeaf[vpn & LeafMask];
    }

    /// <summary>The entry for <paramref name="vpn"/> or a null reference when its leaf does not exist.</summary>
    internal ref Pte Find(ulong vpn)
    {
        if (!_leaves.TryGetValue(vpn >> LeafBits, out var leaf)) return ref Unsafe.NullRef<Pte>();
        return ref leaf[vpn & LeafMask];
    }

    /// <summary>Bits of the entry for a page (None when not mapped).</summary>
    public PteFlags FlagsOf(PageNumber page)
    {
        ref var pte = ref Find(page.Value);
        return Unsafe.IsNullRef(ref pte) ? PteFlags.None : pte.Flags;
    }

    /// <summary>The frame a page maps, or null when it is not present.</summary>
    public FrameNumber? FrameOf(PageNumber page)
    {
        ref var pte = ref Find(page.Value);
        return Unsafe.IsNullRef(ref pte) || !pte.Present ? null : pte.FrameNumber;
    }

    /// <summary>A copy of every leaf (the entries only; map counts are the caller's business).</summary>
    internal PageTable CloneEntries()
    {
        var leaves = new Dictionary<ulong, Pte[]>(_leaves.Count);
        foreach (var (key, leaf) in _leaves) leaves.Add(key, (Pte[])leaf.Clone());
        return new PageTable(leaves) { PresentCount = PresentCount };
    }

    /// <summary>Calls <paramref name="visit"/> with each existing leaf slice covering pages [first, end).</summary>
    internal void ForEachSlice(ulong first, ulong end, SliceVisitor visit)
    {
        if (end <= first) return;
        for (ulong key = first >> LeafBits; key <= (end - 1) >> LeafBits; key++)
        {
            if (!_leaves.TryGetValue(key, out var leaf)) continue;
            ulong leafBase = key << LeafBits;
            int from = (int)(Math.Max(first, leafBase) - leafBase);
            int to = (int)(Math.Min(end, leafBase + LeafSize) - leafBase);
            visit(leaf, from, to, leafBase);
        }
    }

    /// <summary>The existing leaf slices covering pages [first, end): (leaf, from, to, first page of the leaf).</summary>
    internal List<(Pte[] Leaf, int From, int To, ulong LeafBase)> Slices(ulong first, ulong end)
    {
        var slices = new List<(Pte[], int, int, ulong)>();
        if (end <= first) return slices;
        for (ulong key = first >> LeafBits; key <= (end - 1) >> LeafBits; key++)
        {
            if (!_leaves.TryGetValue(key, out var leaf)) continue;
            ulong leafBase = key << LeafBits;
            slices.Add((leaf, (int)(Math.Max(first, leafBase) - leafBase), (int)(Math.Min(end, leafBase + LeafSize) - leafBase), leafBase));
        }
        return slices;
    }

    /// <summary>The existing leaf whose first page is <paramref name="leafBase"/>.</summary>
    internal Pte[] LeafOf(ulong leafBase) => _leaves[leafBase >> LeafBits];

    /// <summary>Forgets every entry (after the frames were unmapped).</summary>
    internal void Clear()
    {
        _leaves.Clear();
        _lastLeaf = null;
        _lastKey = ulong.MaxValue;
        PresentCount = 0;
    }

    internal delegate void SliceVisitor(Pte[] leaf, int from, int to, ulong leafBase);
}
