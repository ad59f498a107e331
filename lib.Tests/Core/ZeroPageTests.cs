using System.Text.RegularExpressions;
using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tests.Datasets;
using CourseKit.Tracing;
using CourseKit.Tracing.Strace;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

/// <summary>
/// The shared zero page (MachineOptions.ZeroPage, on by default as in stock Linux): "Stock Linux maps untouched
/// anonymous pages to one shared zero page on read faults" (linux-process-semantics.md).
/// </summary>
public class ZeroPageTests
{
    private static Smaps RegionSmaps(Machine m, Pid p, VirtualAddress region) =>
        m.Process(p)!.AddressSpace!.Smaps(m.Process(p)!.AddressSpace!.FindSegment(region));

    private static void ReadEachPage(Machine m, Pid p, VirtualAddress start, int pages)
    {
        for (int i = 0; i < pages; i++) Assert.Equal(0UL, m.ReadWord(p, start + (long)i * m.PageSize + 16).Value);
    }

    [Fact]
    public void Reading_256_untouched_pages_leaves_rss_at_the_measured_0_kB_and_allocates_no_frame()
    {
        // What this machine's kernel measured (datasets/cow/provenance.txt), not a number typed in here.
        var measured = DatasetReader.ReadProvenance(DatasetFiles.Path("cow")).ZeroPage;
        long measuredRssKb = long.Parse(Regex.Match(measured, @"rss_kb_after_reading_256_pages=(\d+)").Groups[1].Value);

        var (m, p) = WithProgram();
        var region = m.Mmap(p, 256L * m.PageSize, Protection.ReadWrite).Value;
        int used = m.Memory.UsedFrames, resident = m.Process(p)!.AddressSpace!.ResidentPages;
        long readFaults = m.Process(p)!.Faults.ZeroPageRead;
        ReadEachPage(m, p, region, 256);

        var smaps = RegionSmaps(m, p, region);
        Assert.Equal(measuredRssKb, smaps.Rss);
        Assert.Equal((0L, 0L, 0L), (smaps.Pss, smaps.PrivateClean, smaps.PrivateDirty));
        Assert.Equal(used, m.Memory.UsedFrames);
        Assert.Equal(resident, m.Process(p)!.AddressSpace!.ResidentPages);
        Assert.Equal(readFaults + 256, m.Process(p)!.Faults.ZeroPageRead);
        var zero = m.Memory.ZeroFrame!.Value;
        Assert.All(m.Events.OfType<PageFault>().TakeLast(256), f => Assert.Equal((FaultKind.ZeroPageRead, zero), (f.Kind, f.NewFrame!.Value)));
        Assert.DoesNotContain(m.Memory.Snapshot().Used, f => f.Frame == zero);

        ReadEachPage(m, p, region, 256); // a second read finds the zero-page mapping: no fault at all
        Assert.Equal(readFaults + 256, m.Process(p)!.Faults.ZeroPageRead);
        KernelInvariants.CheckFrames(m.Snapshot());
    }

    [Fact]
    public void A_write_after_a_read_faults_and_gets_a_fresh_zeroed_frame()
    {
        var (m, p) = WithProgram();
        var region = m.Mmap(p, 2L * m.PageSize, Protection.ReadWrite).Value;
        ReadEachPage(m, p, region, 2);
        int used = m.Memory.UsedFrames;
        long demandZero = m.Process(p)!.Faults.DemandZero;

        m.WriteWord(p, region + 8, 42).ThrowIfNotOk();

        var fault = m.Events.OfType<PageFault>().Last();
        Assert.Equal((FaultKind.DemandZero, true, m.Memory.ZeroFrame), (fault.Kind, fault.Write, fault.OldFrame));
        Assert.NotEqual(m.Memory.ZeroFrame, fault.NewFrame);
        Assert.Equal(used + 1, m.Memory.UsedFrames);
        Assert.Equal(demandZero + 1, m.Process(p)!.Faults.DemandZero);
        Assert.Equal(42UL, m.ReadWord(p, region + 8).Value);
        Assert.Equal(0UL, m.ReadWord(p, region + 16).Value);                 // the rest of the new frame is zero
        Assert.Equal(0UL, m.ReadWord(p, region + m.PageSize + 8).Value);     // the other page still reads the zero page
        var smaps = RegionSmaps(m, p, region);
        Assert.Equal((4L, 4L, 4L), (smaps.Rss, smaps.Pss, smaps.PrivateDirty));
        KernelInvariants.CheckFrames(m.Snapshot());
    }

    [Fact]
    public void With_ZeroPage_false_a_read_allocates_a_writable_dirty_frame_as_before()
    {
        var m = Machine.Boot(new MachineOptions { ZeroPage = false });
        var p = m.Start("/home/student/a.out");
        Assert.Null(m.Memory.ZeroFrame);
        var region = m.Mmap(p, 256L * m.PageSize, Protection.ReadWrite).Value;
        int used = m.Memory.UsedFrames;
        ReadEachPage(m, p, region, 256);
        Assert.Equal(used + 256, m.Memory.UsedFrames);
        var smaps = RegionSmaps(m, p, region);
        Assert.Equal((1024L, 1024L, 1024L), (smaps.Rss, smaps.Pss, smaps.PrivateDirty)); // counted dirty even on a read
        Assert.Equal(0, m.Process(p)!.Faults.ZeroPageRead);
        int afterReads = m.Memory.UsedFrames;
        m.WriteWord(p, region, 1).ThrowIfNotOk(); // already writable: no fault, no frame
        Assert.Equal(afterReads, m.Memory.UsedFrames);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fork_keeps_zero_page_mappings_in_both_and_copies_nothing_for_them(bool cow)
    {
        var (m, parent) = WithProgram(cow: cow);
        var region = m.Mmap(parent, 4L * m.PageSize, Protection.ReadWrite).Value;
        ReadEachPage(m, parent, region, 4);
        int used = m.Memory.UsedFrames;
        var child = m.Fork(parent).Value;
        int afterFork = m.Memory.UsedFrames; // fork's own frames (the child's stack when copied eagerly) but none for the zero pages
        Assert.Equal(used + (cow ? 0 : RegionlessEagerCopies(m, parent)), afterFork);
        Assert.Equal(0, RegionSmaps(m, child, region).Rss);

        long childFaults = m.Process(child)!.Faults.Minor;
        ReadEachPage(m, child, region, 4); // the child inherited the zero-page entries: reads do not fault
        Assert.Equal(childFaults, m.Process(child)!.Faults.Minor);

        m.WriteWord(child, region, 7).ThrowIfNotOk();
        Assert.Equal(afterFork + 1, m.Memory.UsedFrames);
        Assert.Equal(0UL, m.ReadWord(parent, region).Value); // the parent still sees the zero page
        Assert.Equal(0, RegionSmaps(m, parent, region).Rss);
        Assert.Equal(4, RegionSmaps(m, child, region).Rss);
        KernelInvariants.CheckFrames(m.Snapshot());
        KernelInvariants.KillEverythingAndCheckNoLeak(m);
    }

    // Resident private writable pages outside any zero-page mapping (what an eager fork copies).
    private static long RegionlessEagerCopies(Machine m, Pid p) =>
        m.Process(p)!.AddressSpace!.Segments.Where(s => s.IsPrivateWritable).Sum(s => m.Process(p)!.AddressSpace!.Smaps(s).Rss) * 1024 / m.PageSize;

    [Fact]
    public void Unmapping_and_exiting_with_zero_page_mappings_leaks_nothing()
    {
        var (m, p) = WithProgram();
        var region = m.Mmap(p, 8L * m.PageSize, Protection.ReadWrite).Value;
        ReadEachPage(m, p, region, 8);
        m.Munmap(p, region, 8L * m.PageSize).ThrowIfNotOk();
        var again = m.Mmap(p, 8L * m.PageSize, Protection.ReadWrite).Value;
        Assert.Equal(region, again);
        long before = m.Process(p)!.Faults.ZeroPageRead;
        ReadEachPage(m, p, again, 8); // fresh entries: faults again
        Assert.Equal(before + 8, m.Process(p)!.Faults.ZeroPageRead);
        KernelInvariants.KillEverythingAndCheckNoLeak(m);
    }

    [Fact]
    public void Shared_anonymous_memory_does_not_use_the_zero_page()
    {
        var (m, p) = WithProgram();
        var region = m.Mmap(p, m.PageSize, Protection.ReadWrite, shared: true).Value;
        int used = m.Memory.UsedFrames;
        Assert.Equal(0UL, m.ReadWord(p, region).Value);
        Assert.Equal(used + 1, m.Memory.UsedFrames); // MAP_SHARED pages are shmem pages in Linux, allocated on a read
    }
}
