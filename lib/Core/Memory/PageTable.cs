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
/// One page of the page table's last level (Linux's PTE page): 512 entries, how many page tables point at it,
/// and the entries fork made copy-on-write without marking them yet.
/// </summary>
/// <remarks>
/// With on-demand fork (<c>MachineOptions.OnDemandFork</c>) parent and child point at the same leaf after
/// fork (<see cref="Sharers"/> &gt; 1), as On-Demand-Fork (Zhao et al., EuroSys 2021) shares PTE tables. A
/// shared leaf is never changed in place except to apply <see cref="PendingCow"/> (which every sharer would
/// apply the same way); anything else that changes an entry first gives the table its own copy.
/// </remarks>
internal sealed class PageTableLeaf(Pte[] entries)
{
    public readonly Pte[] Entries = entries;

    /// <summary>Page tables that point at this leaf: 1 normally, more after on-demand forks.</summary>
    public int Sharers = 1;

    /// <summary>Present entries (Rss pages this leaf holds for each table pointing at it).</summary>
    public int Present;

    /// <summary>
    /// Bit i set: entry i was present in a private writable mapping when an on-demand fork shared this leaf,
    /// so it is copy-on-write (read-only) although its bits do not say so yet. Null when nothing is pending.
    /// </summary>
    public ulong[]? PendingCow;

    public PageTableLeaf() : this(new Pte[PageTable.LeafSize]) { }

    /// <summary>The entry's bits as every sharer must see them (pending copy-on-write applied).</summary>
    public PteFlags FlagsAt(int i)
    {
        var flags = Entries[i].Flags;
        if (PendingCow is { } pending && (flags & PteFlags.Present) != 0 && (pending[i >> 6] & (1UL << (i & 63))) != 0)
            flags = (flags & ~PteFlags.Writable) | PteFlags.CopyOnWrite;
        return flags;
    }

    /// <summary>Writes the pending copy-on-write marks into the entries (what a classic fork did at once).</summary>
    public void ApplyPendingCow()
    {
        if (PendingCow is not { } pending) return;
        for (int i = 0; i < Entries.Length; i++)
        {
            if ((pending[i >> 6] & (1UL << (i & 63))) != 0 && Entries[i].Present)
                Entries[i].Flags = (Entries[i].Flags & ~PteFlags.Writable) | PteFlags.CopyOnWrite;
        }
        PendingCow = null;
    }

    /// <summary>A copy of the entries and the count (not the sharing: the copy belongs to one table).</summary>
    public PageTableLeaf Copy() => new((Pte[])Entries.Clone()) { Present = Present };
}

/// <summary>
/// What page-table copying has cost the machine so far (a fork's cost is the difference across the call):
/// how many leaves (PTE pages) were copied and how many shared, how many present entries were copied, and how
/// many frame map counts were changed to do it. Linux's fork copies every leaf and updates every present
/// page's count; on-demand fork shares leaves and pays per leaf only when a leaf is first changed.
/// </summary>
/// <param name="TablesCopied">Leaves (page-table pages of 512 entries) copied, by fork or later by a fault.</param>
/// <param name="TablesShared">Leaves that an on-demand fork shared instead of copying.</param>
/// <param name="EntriesCopied">Present entries copied along with those leaves.</param>
/// <param name="MapCountUpdates">Frame map-count increments made by fork or by copying a shared leaf.</param>
public readonly record struct PageTableWork(long TablesCopied, long TablesShared, long EntriesCopied, long MapCountUpdates)
{
    /// <summary>Work added to work.</summary>
    public static PageTableWork operator +(PageTableWork a, PageTableWork b) =>
        new(a.TablesCopied + b.TablesCopied, a.TablesShared + b.TablesShared, a.EntriesCopied + b.EntriesCopied, a.MapCountUpdates + b.MapCountUpdates);

    /// <summary>The work done between two readings.</summary>
    public static PageTableWork operator -(PageTableWork after, PageTableWork before) =>
        new(after.TablesCopied - before.TablesCopied, after.TablesShared - before.TablesShared,
            after.EntriesCopied - before.EntriesCopied, after.MapCountUpdates - before.MapCountUpdates);

    /// <inheritdoc/>
    public override string ToString() =>
        $"{TablesCopied} page-table pages copied, {TablesShared} shared, {EntriesCopied} entries copied, {MapCountUpdates} map counts updated";
}

/// <summary>
/// A process's page table: virtual page number → entry. Two levels like the last levels of a hardware
/// page table: a directory of leaves of 512 entries each, created when first needed.
/// </summary>
/// <remarks>
/// Arrays of 8-byte structs keep fork fast (a leaf is copied with one array copy) and memory small
/// (8 bytes per mapped page). Only <see cref="AddressSpace"/> changes entries, and it keeps frame map
/// counts in step with them. <see cref="Walk"/> is the one way to an entry that may be changed: it gives a
/// table that shares the leaf (on-demand fork) its own copy first.
/// </remarks>
public sealed class PageTable
{
    internal const int LeafBits = 9;
    internal const int LeafSize = 1 << LeafBits;
    private const ulong LeafMask = LeafSize - 1;

    private readonly PhysicalMemory _memory;
    private readonly Dictionary<ulong, PageTableLeaf> _leaves;
    private ulong _lastKey = ulong.MaxValue;
    private PageTableLeaf? _lastLeaf; // a leaf of this table only, with nothing pending: safe to change

    internal PageTable(PhysicalMemory memory) : this(memory, []) { }

    private PageTable(PhysicalMemory memory, Dictionary<ulong, PageTableLeaf> leaves)
    {
        _memory = memory;
        _leaves = leaves;
    }

    /// <summary>Number of present entries (the resident set size in pages).</summary>
    public int PresentCount { get; internal set; }

    /// <summary>Leaves (page-table pages of 512 entries) this table points at.</summary>
    public int Tables => _leaves.Count;

    /// <summary>Of <see cref="Tables"/>, the leaves other page tables point at too (after an on-demand fork).</summary>
    public int SharedTables => _leaves.Values.Count(l => l.Sharers > 1);

    /// <summary>
    /// The entry for <paramref name="vpn"/>, ready to be changed: creates its leaf if needed (xv6's walk with
    /// alloc=1), copies a leaf shared with other tables, and applies pending copy-on-write marks.
    /// </summary>
    internal ref Pte Walk(ulong vpn)
    {
        ulong key = vpn >> LeafBits;
        if (key != _lastKey || _lastLeaf is null)
        {
            _lastLeaf = OwnLeaf(key);
            _lastKey = key;
        }
        return ref _lastLeaf.Entries[vpn & LeafMask];
    }

    private PageTableLeaf OwnLeaf(ulong key)
    {
        if (!_leaves.TryGetValue(key, out var leaf))
        {
            leaf = new PageTableLeaf();
            _leaves.Add(key, leaf);
            return leaf;
        }
        leaf.ApplyPendingCow(); // the marks hold for every sharer: apply them before any copy
        if (leaf.Sharers == 1) return leaf;
        var copy = leaf.Copy();
        foreach (ref readonly var pte in copy.Entries.AsSpan())
        {
            if (pte.Present) _memory.Map(pte.FrameNumber); // one more page-table page points at the frame
        }
        _memory.LeafUnshared(leaf);
        _memory.CountWork(new PageTableWork(1, 0, copy.Present, copy.Present));
        _leaves[key] = copy;
        return copy;
    }

    /// <summary>The entry for <paramref name="vpn"/> (reached by <see cref="Walk"/>) now maps a page: one more resident page.</summary>
    internal void EntryMapped(ulong vpn)
    {
        var leaf = vpn >> LeafBits == _lastKey && _lastLeaf is not null ? _lastLeaf : _leaves[vpn >> LeafBits];
        leaf.Present++;
        PresentCount++;
    }

    /// <summary>An entry of <paramref name="leaf"/> (this table's own) stopped mapping a page.</summary>
    internal void EntryUnmapped(PageTableLeaf leaf)
    {
        leaf.Present--;
        PresentCount--;
    }

    /// <summary>The entry for <paramref name="vpn"/>, to read only, or a null reference when its leaf does not exist.</summary>
    internal ref readonly Pte Find(ulong vpn)
    {
        if (!_leaves.TryGetValue(vpn >> LeafBits, out var leaf)) return ref Unsafe.NullRef<Pte>();
        return ref leaf.Entries[vpn & LeafMask];
    }

    /// <summary>Bits of the entry for a page (None when not mapped).</summary>
    public PteFlags FlagsOf(PageNumber page) =>
        _leaves.TryGetValue(page.Value >> LeafBits, out var leaf) ? leaf.FlagsAt((int)(page.Value & LeafMask)) : PteFlags.None;

    /// <summary>The frame a page maps, or null when it is not present.</summary>
    public FrameNumber? FrameOf(PageNumber page)
    {
        ref readonly var pte = ref Find(page.Value);
        return Unsafe.IsNullRef(in pte) || !pte.Present ? null : pte.FrameNumber;
    }

    /// <summary>Linux's fork: a copy of every leaf (the entries only; map counts are the caller's business).</summary>
    internal PageTable CloneEntries()
    {
        var leaves = new Dictionary<ulong, PageTableLeaf>(_leaves.Count);
        long present = 0;
        foreach (var (key, leaf) in _leaves)
        {
            leaf.ApplyPendingCow();
            var copy = leaf.Copy();
            present += copy.Present;
            leaves.Add(key, copy);
        }
        _memory.CountWork(new PageTableWork(leaves.Count, 0, present, 0));
        return new PageTable(_memory, leaves) { PresentCount = PresentCount };
    }

    /// <summary>
    /// On-demand fork: a table that points at this table's very leaves (O(leaves), no entry is copied and
    /// no map count changes). Call <see cref="MarkCopyOnWriteLater"/> first for the private writable ranges.
    /// </summary>
    internal PageTable ShareLeaves()
    {
        var leaves = new Dictionary<ulong, PageTableLeaf>(_leaves);
        foreach (var leaf in leaves.Values) _memory.LeafShared(leaf);
        _memory.CountWork(new PageTableWork(0, leaves.Count, 0, 0));
        _lastLeaf = null; // our leaves are shared now: the next change must copy
        _lastKey = ulong.MaxValue;
        return new PageTable(_memory, leaves) { PresentCount = PresentCount };
    }

    /// <summary>
    /// Records that the present entries of pages [first, end) become copy-on-write (as a classic fork marks
    /// them), without touching the entries: one bit per page in each existing leaf, O(leaves).
    /// </summary>
    internal void MarkCopyOnWriteLater(ulong first, ulong end)
    {
        if (end <= first) return;
        for (ulong key = first >> LeafBits; key <= (end - 1) >> LeafBits; key++)
        {
            if (!_leaves.TryGetValue(key, out var leaf)) continue;
            ulong leafBase = key << LeafBits;
            int from = (int)(Math.Max(first, leafBase) - leafBase);
            int to = (int)(Math.Min(end, leafBase + LeafSize) - leafBase);
            var pending = leaf.PendingCow ??= new ulong[LeafSize / 64];
            SetBits(pending, from, to);
        }
        _lastLeaf = null; // Walk's cache holds only leaves with nothing pending
        _lastKey = ulong.MaxValue;
    }

    private static void SetBits(ulong[] bits, int from, int to)
    {
        for (int i = from; i < to;)
        {
            int word = i >> 6, bit = i & 63, n = Math.Min(64 - bit, to - i);
            bits[word] |= (n == 64 ? ulong.MaxValue : ((1UL << n) - 1)) << bit;
            i += n;
        }
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each existing leaf slice covering pages [first, end). With
    /// <paramref name="change"/>, each leaf is first made this table's own (as <see cref="Walk"/> does).
    /// </summary>
    internal void ForEachSlice(ulong first, ulong end, SliceVisitor visit, bool change = false)
    {
        if (end <= first) return;
        for (ulong key = first >> LeafBits; key <= (end - 1) >> LeafBits; key++)
        {
            if (!_leaves.ContainsKey(key)) continue;
            var leaf = change ? OwnLeaf(key) : _leaves[key];
            ulong leafBase = key << LeafBits;
            int from = (int)(Math.Max(first, leafBase) - leafBase);
            int to = (int)(Math.Min(end, leafBase + LeafSize) - leafBase);
            visit(leaf, from, to, leafBase);
        }
        if (change) _lastLeaf = null;
    }

    /// <summary>The existing leaf slices covering pages [first, end), to read: (leaf, from, to, first page of the leaf).</summary>
    internal List<(PageTableLeaf Leaf, int From, int To, ulong LeafBase)> Slices(ulong first, ulong end)
    {
        var slices = new List<(PageTableLeaf, int, int, ulong)>();
        if (end <= first) return slices;
        for (ulong key = first >> LeafBits; key <= (end - 1) >> LeafBits; key++)
        {
            if (!_leaves.TryGetValue(key, out var leaf)) continue;
            ulong leafBase = key << LeafBits;
            slices.Add((leaf, (int)(Math.Max(first, leafBase) - leafBase), (int)(Math.Min(end, leafBase + LeafSize) - leafBase), leafBase));
        }
        return slices;
    }

    /// <summary>The existing leaf whose first page is <paramref name="leafBase"/>, ready to be changed.</summary>
    internal Pte[] LeafOf(ulong leafBase) => OwnLeaf(leafBase >> LeafBits).Entries;

    /// <summary>
    /// Lets go of every leaf other tables still point at (exit or exec of an on-demand-forked process): the
    /// frames stay mapped through the other tables, so nothing else changes. O(shared leaves).
    /// </summary>
    internal void DropSharedLeaves()
    {
        foreach (var (key, leaf) in _leaves.Where(l => l.Value.Sharers > 1).ToList())
        {
            PresentCount -= leaf.Present;
            _memory.LeafUnshared(leaf);
            _leaves.Remove(key);
        }
        _lastLeaf = null;
        _lastKey = ulong.MaxValue;
    }

    /// <summary>Forgets every entry (after the frames were unmapped).</summary>
    internal void Clear()
    {
        _leaves.Clear();
        _lastLeaf = null;
        _lastKey = ulong.MaxValue;
        PresentCount = 0;
    }

    internal delegate void SliceVisitor(PageTableLeaf leaf, int from, int to, ulong leafBase);
}
