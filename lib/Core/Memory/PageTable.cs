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

/// <summary>A page of the page table (a leaf or a directory), and how many tables above it point at it.</summary>
internal abstract class PageTablePage
{
    /// <summary>
    /// For a leaf, the directories that point at it; for a directory, the page tables that do. 1 normally, more
    /// after on-demand forks; only <see cref="PhysicalMemory.Shared"/> and <see cref="PhysicalMemory.Unshared"/> change it.
    /// </summary>
    public int Sharers = 1;
}

/// <summary>
/// One page of the page table's last level (Linux's PTE page): 512 entries, how many page tables point at it,
/// and the entries fork made copy-on-write without marking them yet.
/// </summary>
/// <remarks>
/// With on-demand fork (<c>MachineOptions.OnDemandFork</c>) several tables can reach the same leaf, through a
/// shared directory or through several directories (<see cref="PageTablePage.Sharers"/> &gt; 1), as
/// On-Demand-Fork (Zhao et al., EuroSys 2021) shares PTE tables. A leaf so reached is never changed in place
/// except to apply <see cref="PendingCow"/> (which every sharer would apply the same way); anything else that
/// changes an entry first gives the table its own copy of the path to it.
/// </remarks>
internal sealed class PageTableLeaf(Pte[] entries) : PageTablePage
{
    public readonly Pte[] Entries = entries;

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

    /// <summary>Entries [from, to) become copy-on-write when next looked at (see <see cref="PendingCow"/>).</summary>
    public void MarkPending(int from, int to)
    {
        var bits = PendingCow ??= new ulong[PageTable.LeafSize / 64];
        for (int i = from; i < to;)
        {
            int word = i >> 6, bit = i & 63, n = Math.Min(64 - bit, to - i);
            bits[word] |= (n == 64 ? ulong.MaxValue : ((1UL << n) - 1)) << bit;
            i += n;
        }
    }
}

/// <summary>
/// One page of the page table's middle level (x86-64's page middle directory): 512 pointers to leaves, so one
/// directory covers 512 × 512 pages (1 GiB of 4 KiB pages). With on-demand fork whole directories are shared:
/// fork shares the subtree below each directory, and the first change under a shared directory copies the path
/// down to the entry (the directory's 512 pointers, then the leaf), as persistent trees share structure.
/// </summary>
internal sealed class PageTableDirectory : PageTablePage
{
    public readonly PageTableLeaf?[] Leaves = new PageTableLeaf?[PageTable.LeafSize];

    /// <summary>Present entries in the leaves below (Rss pages this directory holds for each table pointing at it).</summary>
    public int Present;

    /// <summary>
    /// Page ranges [First, End) whose present entries a fork made copy-on-write while this directory was shared,
    /// not yet written down into the leaves (<see cref="PushPendingDown"/>). Null when nothing is pending.
    /// </summary>
    public List<(ulong First, ulong End)>? PendingCow;

    /// <summary>Leaves that exist under this directory.</summary>
    public IEnumerable<PageTableLeaf> ExistingLeaves => Leaves.OfType<PageTableLeaf>();

    /// <summary>True when a pending range covers page <paramref name="vpn"/>.</summary>
    public bool IsPending(ulong vpn)
    {
        if (PendingCow is not { } ranges) return false;
        foreach (var (first, end) in ranges) if (vpn >= first && vpn < end) return true;
        return false;
    }

    /// <summary>Moves the pending ranges into the leaves' pending bits (the same for every sharer), O(leaves).</summary>
    public void PushPendingDown(ulong directoryBase)
    {
        if (PendingCow is not { } ranges) return;
        foreach (var (first, end) in ranges)
        {
            for (int slot = 0; slot < Leaves.Length; slot++)
            {
                if (Leaves[slot] is not { } leaf) continue;
                ulong leafBase = directoryBase + ((ulong)slot << PageTable.LeafBits);
                ulong from = Math.Max(first, leafBase), to = Math.Min(end, leafBase + PageTable.LeafSize);
                if (from < to) leaf.MarkPending((int)(from - leafBase), (int)(to - leafBase));
            }
        }
        PendingCow = null;
    }
}

/// <summary>
/// What page-table copying has cost the machine so far (a fork's cost is the difference across the call).
/// "Tables" are page-table pages of either level: leaves (512 page entries each) and directories (512 pointers
/// to leaves each). Linux's fork copies every table and bumps the map count of every resident page; on-demand
/// fork shares directories, and the first change below one copies just the path to the entry.
/// </summary>
/// <param name="TablesCopied">Page-table pages copied, by fork or later by a fault under a shared directory.</param>
/// <param name="TablesShared">Page-table pages that became shared instead of copied (by fork, or when a directory above them was copied).</param>
/// <param name="EntriesCopied">Entries copied along with those tables: present page entries, and pointers to leaves.</param>
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
/// A process's page table: virtual page number → entry. Three levels like the last three of x86-64's: a top
/// map of directories (one per 1 GiB of address space used), directories of 512 leaves, leaves of 512 entries,
/// each created when first needed.
/// </summary>
/// <remarks>
/// Arrays of 8-byte structs keep fork fast (a leaf is copied with one array copy) and memory small (8 bytes per
/// mapped page). Only <see cref="AddressSpace"/> changes entries, and it keeps frame map counts in step with
/// them. <see cref="Walk"/> is the one way to an entry that may be changed: under on-demand fork it first gives
/// this table its own copy of every shared table on the path (directory, then leaf).
/// </remarks>
public sealed class PageTable
{
    internal const int LeafBits = 9;
    internal const int LeafSize = 1 << LeafBits;
    private const ulong LeafMask = LeafSize - 1;
    internal const int DirectoryBits = LeafBits + 9;
    private const ulong SlotMask = (1UL << 9) - 1;

    private readonly PhysicalMemory _memory;
    private readonly Dictionary<ulong, PageTableDirectory> _directories;
    private ulong _lastKey = ulong.MaxValue;
    private PageTableLeaf? _lastLeaf; // a leaf (and directory) of this table only, with nothing pending: safe to change
    private PageTableDirectory? _lastDirectory; // the directory above _lastLeaf

    internal PageTable(PhysicalMemory memory) : this(memory, []) { }

    private PageTable(PhysicalMemory memory, Dictionary<ulong, PageTableDirectory> directories)
    {
        _memory = memory;
        _directories = directories;
    }

    /// <summary>Number of present entries (the resident set size in pages).</summary>
    public int PresentCount { get; internal set; }

    /// <summary>Leaves (page-table pages of 512 entries) this table reaches.</summary>
    public int Tables => _directories.Values.Sum(d => d.ExistingLeaves.Count());

    /// <summary>Directories (page-table pages of 512 pointers to leaves) this table reaches.</summary>
    public int Directories => _directories.Count;

    /// <summary>Of <see cref="Tables"/>, the leaves other page tables reach too (after an on-demand fork).</summary>
    public int SharedTables => _directories.Values.Sum(d => d.Sharers > 1 ? d.ExistingLeaves.Count() : d.ExistingLeaves.Count(l => l.Sharers > 1));

    /// <summary>Copy-on-write ranges recorded on this table's directories and not yet written down into leaves.</summary>
    internal int PendingRanges => _directories.Values.Sum(d => d.PendingCow?.Count ?? 0);

    /// <summary>Of <see cref="Directories"/>, the ones other page tables point at too (after an on-demand fork).</summary>
    public int SharedDirectories => _directories.Values.Count(d => d.Sharers > 1);

    /// <summary>
    /// The entry for <paramref name="vpn"/>, ready to be changed: creates its directory and leaf if needed (xv6's
    /// walk with alloc=1), copies a directory or leaf shared with other tables, and applies pending copy-on-write marks.
    /// </summary>
    internal ref Pte Walk(ulong vpn)
    {
        ulong key = vpn >> LeafBits;
        if (key != _lastKey || _lastLeaf is null)
        {
            _lastLeaf = OwnLeaf(key, out _lastDirectory);
            _lastKey = key;
        }
        return ref _lastLeaf.Entries[vpn & LeafMask];
    }

    private PageTableDirectory OwnDirectory(ulong directoryKey)
    {
        if (!_directories.TryGetValue(directoryKey, out var directory))
        {
            directory = new PageTableDirectory();
            _directories.Add(directoryKey, directory);
            return directory;
        }
        directory.PushPendingDown(directoryKey << DirectoryBits); // the marks hold for every sharer: write them down first
        if (directory.Sharers == 1) return directory;
        var copy = new PageTableDirectory { Present = directory.Present };
        int leaves = 0;
        for (int slot = 0; slot < LeafSize; slot++)
        {
            if (directory.Leaves[slot] is not { } leaf) continue;
            copy.Leaves[slot] = leaf;
            _memory.Shared(leaf); // now two directories point at it
            leaves++;
        }
        _memory.Unshared(directory);
        _memory.CountWork(new PageTableWork(1, leaves, leaves, 0));
        _directories[directoryKey] = copy;
        return copy;
    }

    private PageTableLeaf OwnLeaf(ulong key, out PageTableDirectory directory)
    {
        directory = OwnDirectory(key >> 9);
        int slot = (int)(key & SlotMask);
        if (directory.Leaves[slot] is not { } leaf)
            return directory.Leaves[slot] = new PageTableLeaf();
        leaf.ApplyPendingCow(); // the marks hold for every sharer: apply them before any copy
        if (leaf.Sharers == 1) return leaf;
        var copy = leaf.Copy();
        foreach (ref readonly var pte in copy.Entries.AsSpan())
        {
            if (pte.Present) _memory.Map(pte.FrameNumber); // one more page-table page points at the frame
        }
        _memory.Unshared(leaf);
        _memory.CountWork(new PageTableWork(1, 0, copy.Present, copy.Present));
        return directory.Leaves[slot] = copy;
    }

    /// <summary>The leaf covering pages [key × 512, key × 512 + 512), with its directory, to read; null when absent.</summary>
    private (PageTableDirectory? Directory, PageTableLeaf? Leaf) LeafToRead(ulong key) =>
        _directories.TryGetValue(key >> 9, out var directory) ? (directory, directory.Leaves[(int)(key & SlotMask)]) : (null, null);

    /// <summary>The entry for <paramref name="vpn"/> (reached by <see cref="Walk"/>) now maps a page: one more resident page.</summary>
    internal void EntryMapped(ulong vpn)
    {
        var (directory, leaf) = vpn >> LeafBits == _lastKey && _lastLeaf is not null ? (_lastDirectory, _lastLeaf) : LeafToRead(vpn >> LeafBits);
        leaf!.Present++;
        directory!.Present++;
        PresentCount++;
    }

    /// <summary>An entry of <paramref name="leaf"/> (this table's own) stopped mapping a page. Call it only from a
    /// <see cref="ForEachSlice"/> visitor with change set: that loop brings the directory's count in step.</summary>
    internal void EntryUnmapped(PageTableLeaf leaf)
    {
        leaf.Present--;
        PresentCount--;
    }

    /// <summary>The entry for <paramref name="vpn"/>, to read only, or a null reference when its leaf does not exist.</summary>
    internal ref readonly Pte Find(ulong vpn)
    {
        if (LeafToRead(vpn >> LeafBits).Leaf is not { } leaf) return ref Unsafe.NullRef<Pte>();
        return ref leaf.Entries[vpn & LeafMask];
    }

    /// <summary>Bits of the entry for a page (None when not mapped), pending copy-on-write included.</summary>
    public PteFlags FlagsOf(PageNumber page)
    {
        var (directory, leaf) = LeafToRead(page.Value >> LeafBits);
        return leaf is null ? PteFlags.None : FlagsAt(directory!, leaf, (int)(page.Value & LeafMask), page.Value);
    }

    /// <summary>The entry's bits as every sharer must see them: a fork's pending copy-on-write applied.</summary>
    internal static PteFlags FlagsAt(PageTableDirectory directory, PageTableLeaf leaf, int i, ulong vpn)
    {
        var flags = leaf.FlagsAt(i);
        if ((flags & PteFlags.Present) != 0 && directory.IsPending(vpn))
            flags = (flags & ~PteFlags.Writable) | PteFlags.CopyOnWrite;
        return flags;
    }

    /// <summary>The frame a page maps, or null when it is not present.</summary>
    public FrameNumber? FrameOf(PageNumber page)
    {
        ref readonly var pte = ref Find(page.Value);
        return Unsafe.IsNullRef(in pte) || !pte.Present ? null : pte.FrameNumber;
    }

    /// <summary>Linux's fork: a copy of every table (the entries only; map counts are the caller's business).</summary>
    internal PageTable CloneEntries()
    {
        var directories = new Dictionary<ulong, PageTableDirectory>(_directories.Count);
        long tables = 0, entries = 0;
        foreach (var key in _directories.Keys.ToList())
        {
            var own = OwnDirectory(key);
            var copy = new PageTableDirectory { Present = own.Present };
            for (int slot = 0; slot < LeafSize; slot++)
            {
                if (own.Leaves[slot] is null) continue;
                var leaf = OwnLeaf((key << 9) | (uint)slot, out _);
                copy.Leaves[slot] = leaf.Copy();
                tables++;
                entries += leaf.Present + 1; // its present entries, and the directory's pointer to it
            }
            directories.Add(key, copy);
        }
        _memory.CountWork(new PageTableWork(tables + directories.Count, 0, entries, 0));
        return new PageTable(_memory, directories) { PresentCount = PresentCount };
    }

    /// <summary>
    /// On-demand fork: a table that points at this table's very directories, O(directories): no leaf, entry or
    /// map count is copied or changed now. Call <see cref="MarkCopyOnWriteLater"/> first for the private writable ranges.
    /// </summary>
    internal PageTable ShareDirectories()
    {
        var directories = new Dictionary<ulong, PageTableDirectory>(_directories);
        foreach (var directory in directories.Values) _memory.Shared(directory);
        _memory.CountWork(new PageTableWork(0, directories.Count, 0, 0));
        ForgetWalkCache(); // our directories are shared now: the next change must copy
        return new PageTable(_memory, directories) { PresentCount = PresentCount };
    }

    /// <summary>
    /// Records that the present entries of pages [first, end) become copy-on-write (as a classic fork marks
    /// them), without touching any entry or leaf: one range per directory it crosses, O(directories).
    /// </summary>
    internal void MarkCopyOnWriteLater(ulong first, ulong end)
    {
        if (end <= first) return;
        for (ulong key = first >> DirectoryBits; key <= (end - 1) >> DirectoryBits; key++)
        {
            if (!_directories.TryGetValue(key, out var directory)) continue;
            ulong directoryBase = key << DirectoryBits, directoryEnd = directoryBase + (1UL << DirectoryBits);
            ulong from = Math.Max(first, directoryBase), to = Math.Min(end, directoryEnd);
            var ranges = directory.PendingCow ??= [];
            // Forks with no change in between record the same ranges again: keep only ranges no other one covers,
            // so fork + exit + wait in a loop leaves the list as it was instead of growing it by a range per fork.
            if (ranges.Exists(r => r.First <= from && to <= r.End)) continue;
            ranges.RemoveAll(r => from <= r.First && r.End <= to);
            ranges.Add((from, to));
        }
        ForgetWalkCache(); // Walk's cache holds only leaves with nothing pending
    }

    private void ForgetWalkCache()
    {
        _lastLeaf = null;
        _lastDirectory = null;
        _lastKey = ulong.MaxValue;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with each existing leaf slice covering pages [first, end). With
    /// <paramref name="change"/>, each directory and leaf is first made this table's own (as <see cref="Walk"/> does).
    /// </summary>
    internal void ForEachSlice(ulong first, ulong end, SliceVisitor visit, bool change = false)
    {
        foreach (var (directory, leaf, from, to, leafBase) in Slices(first, end))
        {
            if (!change)
            {
                visit(leaf, from, to, leafBase);
                continue;
            }
            var own = OwnLeaf(leafBase >> LeafBits, out var ownDirectory);
            int present = own.Present;
            visit(own, from, to, leafBase);
            ownDirectory.Present += own.Present - present; // entries the visitor unmapped
        }
        if (change) ForgetWalkCache();
    }

    /// <summary>
    /// The existing leaf slices covering pages [first, end), to read: (directory, leaf, from, to, first page of
    /// the leaf). Directories are looked up once each, so a large sparse range costs one step per 1 GiB.
    /// </summary>
    internal List<(PageTableDirectory Directory, PageTableLeaf Leaf, int From, int To, ulong LeafBase)> Slices(ulong first, ulong end)
    {
        var slices = new List<(PageTableDirectory, PageTableLeaf, int, int, ulong)>();
        if (end <= first) return slices;
        for (ulong dkey = first >> DirectoryBits; dkey <= (end - 1) >> DirectoryBits; dkey++)
        {
            if (!_directories.TryGetValue(dkey, out var directory)) continue;
            ulong directoryBase = dkey << DirectoryBits;
            ulong lo = Math.Max(first, directoryBase), hi = Math.Min(end, directoryBase + (1UL << DirectoryBits));
            for (ulong key = lo >> LeafBits; key <= (hi - 1) >> LeafBits; key++)
            {
                if (directory.Leaves[(int)(key & SlotMask)] is not { } leaf) continue;
                ulong leafBase = key << LeafBits;
                slices.Add((directory, leaf, (int)(Math.Max(lo, leafBase) - leafBase), (int)(Math.Min(hi, leafBase + LeafSize) - leafBase), leafBase));
            }
        }
        return slices;
    }

    /// <summary>The existing leaf whose first page is <paramref name="leafBase"/>, ready to be changed.</summary>
    internal Pte[] LeafOf(ulong leafBase) => OwnLeaf(leafBase >> LeafBits, out _).Entries;

    /// <summary>
    /// Lets go of every table other page tables still reach (exit or exec of an on-demand-forked process): the
    /// frames stay mapped through the other tables, so nothing else changes. O(directories), plus a step per
    /// leaf slot of the directories this table has copied.
    /// </summary>
    internal void DropSharedTables()
    {
        foreach (var (key, directory) in _directories.ToList())
        {
            if (directory.Sharers > 1)
            {
                PresentCount -= directory.Present;
                _memory.Unshared(directory);
                _directories.Remove(key);
                continue;
            }
            for (int slot = 0; slot < LeafSize; slot++)
            {
                if (directory.Leaves[slot] is not { Sharers: > 1 } leaf) continue;
                PresentCount -= leaf.Present;
                directory.Present -= leaf.Present;
                _memory.Unshared(leaf);
                directory.Leaves[slot] = null;
            }
        }
        ForgetWalkCache();
    }

    /// <summary>Forgets every entry (after the frames were unmapped).</summary>
    internal void Clear()
    {
        _directories.Clear();
        ForgetWalkCache();
        PresentCount = 0;
    }

    internal delegate void SliceVisitor(PageTableLeaf leaf, int from, int to, ulong leafBase);
}
