using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Charts;

/// <summary>The small simulated workloads behind the comparison charts, each on a fresh, seeded machine.</summary>
internal static class Workloads
{
    public enum Creation { Fork, EagerFork, Vfork }

    private static Machine Boot(int pages, bool cow, bool onDemand, bool events) =>
        Machine.Boot(new MachineOptions
        {
            Frames = Math.Max(1024, pages * 3 + 512), CopyOnWrite = cow, OnDemandFork = onDemand, RecordMemoryEvents = events, Seed = 42,
        });

    private static (Machine M, Pid P, VirtualAddress Start) Parent(int pages, bool cow, bool onDemand = false, bool events = true)
    {
        var m = Boot(pages, cow, onDemand, events);
        var p = m.Start("/home/student/a.out");
        var start = m.Mmap(p, (long)pages * m.PageSize, Protection.ReadWrite).Value;
        for (var i = 0; i < pages; i++) m.WriteWord(p, start + (long)i * m.PageSize, (ulong)i + 1).ThrowIfNotOk();
        return (m, p, start);
    }

    /// <summary>Parent writes <paramref name="pages"/> pages, forks; the child execs /bin/true (or writes every
    /// page) and exits; the parent waits. Returns the machine's event log and the time just before the fork.</summary>
    public static (EventLog Log, long ForkTime) ForkThen(int pages, bool cow, bool exec)
    {
        var (m, p, start) = Parent(pages, cow);
        var forkTime = m.Clock + 1;
        var child = m.Fork(p).Value;
        if (exec) m.Exec(child, "/bin/true", ["true"]).ThrowIfNotOk();
        else for (var i = 0; i < pages; i++) m.WriteWord(child, start + (long)i * m.PageSize, 7).ThrowIfNotOk();
        m.Exit(child, 0).ThrowIfNotOk();
        m.Wait(p, child).ThrowIfNotOk();
        return (m.Events, forkTime);
    }

    /// <summary>Work one creation call does: page-table entries it copies (the parent's present pages, for a
    /// fork) plus frames it allocates during the call (copies, for an eager fork).</summary>
    public static long ForkWork(int pages, Creation how)
    {
        var (m, p, _) = Parent(pages, how != Creation.EagerFork);
        var entries = how == Creation.Vfork ? 0 : m.Snapshot()[p]!.Memory!.Pages.Count;
        var before = m.Events.Count;
        var result = how == Creation.Vfork ? m.Vfork(p) : m.Fork(p);
        result.ThrowIfNotOk();
        var framesCopied = m.Events.Skip(before).Count(e => e is FrameAllocated);
        return entries + framesCopied;
    }

    /// <summary>
    /// Page-table work of one fork of a process with <paramref name="pages"/> written pages, with Linux's fork
    /// or on-demand fork. With <paramref name="childWritesEvery2MiB"/> the child then writes one word in each
    /// page-table page's span (2 MiB) of the region, and that work is added: on-demand fork's deferred cost.
    /// </summary>
    public static PageTableWork ForkTableWork(int pages, bool onDemand, bool childWritesEvery2MiB = false)
    {
        var (m, p, start) = Parent(pages, cow: true, onDemand, events: false);
        var before = m.Memory.PageTableWork;
        var child = m.Fork(p).Value;
        if (childWritesEvery2MiB)
        {
            for (var i = 0; i < pages; i++)
            {
                var address = start + (long)i * m.PageSize;
                if (i == 0 || address.Page(m.PageSize).Value % PageTable.LeafSize == 0) m.WriteWord(child, address, 7).ThrowIfNotOk();
            }
        }
        return m.Memory.PageTableWork - before;
    }
}
