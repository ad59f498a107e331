using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;
using static CourseKit.Tests.Core.TestMachines;

namespace CourseKit.Tests.Core;

/// <summary>The copy-on-write and smaps facts of the reference (linux-process-semantics.md).</summary>
public class CopyOnWriteTests
{
    private static Smaps RegionSmaps(Machine m, Pid p, VirtualAddress region) =>
        m.Process(p)!.AddressSpace!.Smaps(m.Process(p)!.AddressSpace!.FindSegment(region));

    private static void AssertRow(Smaps s, long rss, long pss, long sharedDirty, long privateDirty)
    {
        Assert.Equal((rss, pss, sharedDirty, privateDirty), (s.Rss, s.Pss, s.SharedDirty, s.PrivateDirty));
        Assert.Equal(0, s.SharedClean);
        Assert.Equal(0, s.PrivateClean);
    }

    [Fact]
    public void The_256_page_smaps_table_of_the_reference_comes_out_number_for_number()
    {
        var (m, parent) = WithProgram();
        var region = MapAndWrite(m, parent, 256);
        AssertRow(RegionSmaps(m, parent, region), 1024, 1024, 0, 1024);           // parent, before fork

        var child = m.Fork(parent).Value;
        AssertRow(RegionSmaps(m, parent, region), 1024, 512, 1024, 0);            // right after fork
        AssertRow(RegionSmaps(m, child, region), 1024, 512, 1024, 0);

        for (int i = 0; i < 64; i++) m.WriteWord(child, region + (long)i * m.PageSize, 7).ThrowIfNotOk();
        AssertRow(RegionSmaps(m, child, region), 1024, 640, 768, 256);            // child wrote 64 pages
        AssertRow(RegionSmaps(m, parent, region), 1024, 640, 768, 256);           // parent never wrote!

        m.Exit(child, 0);
        AssertRow(RegionSmaps(m, parent, region), 1024, 1024, 0, 1024);           // after the child exited
    }

    [Fact]
    public void The_64_MiB_fault_counts_of_the_reference_come_out_exactly()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 2 * 16384 + 64, RecordMemoryEvents = false });
        var parent = m.Start("/home/student/a.out");
        var region = MapAndWrite(m, parent, 16384);
        var child = m.Fork(parent).Value;
        var childFaults0 = m.Process(child)!.Faults.Snapshot();

        for (int i = 0; i < 4096; i++) m.WriteWord(child, region + (long)i * m.PageSize, 1).ThrowIfNotOk();
        var afterFirst = m.Process(child)!.Faults.Snapshot();
        Assert.Equal(4096, afterFirst.Minor - childFaults0.Minor);
        Assert.Equal(4096, afterFirst.CowCopy - childFaults0.CowCopy);

        for (int i = 0; i < 4096; i++) m.WriteWord(child, region + (long)i * m.PageSize, 2).ThrowIfNotOk();
        Assert.Equal(afterFirst, m.Process(child)!.Faults.Snapshot()); // rewriting: 0 faults

        var parent0 = m.Process(parent)!.Faults.Snapshot();
        for (int i = 0; i < 16384; i++) m.WriteWord(parent, region + (long)i * m.PageSize, 3).ThrowIfNotOk();
        var parent1 = m.Process(parent)!.Faults.Snapshot();
        Assert.Equal(12288, parent1.CowCopy - parent0.CowCopy); // pages still shared: copied
        Assert.Equal(4096, parent1.CowReuse - parent0.CowReuse); // pages the child already copied: reused
    }

    [Fact]
    public void A_write_after_fork_is_not_seen_by_the_other_process()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 1, seed: 10);
        var c = m.Fork(p).Value;
        m.WriteWord(c, a, 99).ThrowIfNotOk();
        Assert.Equal(10UL, m.ReadWord(p, a).Value);
        Assert.Equal(99UL, m.ReadWord(c, a).Value);
        m.WriteWord(p, a, 11).ThrowIfNotOk();
        Assert.Equal(99UL, m.ReadWord(c, a).Value);
    }

    [Fact]
    public void The_writer_that_is_the_last_owner_reuses_the_frame_without_a_copy()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 1);
        var c = m.Fork(p).Value;
        m.Exit(c, 0);
        var frame = m.Process(p)!.AddressSpace!.PageTable.FrameOf(a.Page(m.PageSize))!.Value;
        Assert.Equal(1, m.Memory.MapCount(frame));
        int used = m.Memory.UsedFrames;
        m.WriteWord(p, a, 5).ThrowIfNotOk();
        Assert.Equal(used, m.Memory.UsedFrames);
        Assert.Equal(frame, m.Process(p)!.AddressSpace!.PageTable.FrameOf(a.Page(m.PageSize)));
        var fault = m.Events.OfType<PageFault>().Last();
        Assert.Equal(FaultKind.CowReuse, fault.Kind);
        var flags = m.Process(p)!.AddressSpace!.PageTable.FlagsOf(a.Page(m.PageSize));
        Assert.True(flags.HasFlag(PteFlags.Writable));
        Assert.False(flags.HasFlag(PteFlags.CopyOnWrite));
    }

    [Fact]
    public void A_write_to_a_still_shared_page_copies_it_into_a_new_frame()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 1);
        var c = m.Fork(p).Value;
        var old = m.Process(p)!.AddressSpace!.PageTable.FrameOf(a.Page(m.PageSize))!.Value;
        m.WriteWord(c, a, 5).ThrowIfNotOk();
        var fault = m.Events.OfType<PageFault>().Last();
        Assert.Equal((FaultKind.CowCopy, old), (fault.Kind, fault.OldFrame!.Value));
        var copy = m.Process(c)!.AddressSpace!.PageTable.FrameOf(a.Page(m.PageSize))!.Value;
        Assert.Equal(fault.NewFrame, copy);
        Assert.NotEqual(old, copy);
        Assert.Equal(1, m.Memory.MapCount(old));
        Assert.Equal(1, m.Memory.MapCount(copy));
    }

    [Fact]
    public void A_read_never_copies()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 4);
        var c = m.Fork(p).Value;
        int used = m.Memory.UsedFrames;
        for (int i = 0; i < 4; i++) m.ReadWord(c, a + (long)i * m.PageSize).ThrowIfNotOk();
        Assert.Equal(used, m.Memory.UsedFrames);
        Assert.Equal(0, m.Process(c)!.Faults.CowCopy);
    }

    [Fact]
    public void Code_pages_stay_shared_for_good_and_are_never_copy_on_write()
    {
        var (m, p) = WithProgram();
        var code = m.Process(p)!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Code);
        var c = m.Fork(p).Value;
        var page = code.Start.Page(m.PageSize);
        var frame = m.Process(p)!.AddressSpace!.PageTable.FrameOf(page)!.Value;
        Assert.Equal(frame, m.Process(c)!.AddressSpace!.PageTable.FrameOf(page));
        Assert.False(m.Process(c)!.AddressSpace!.PageTable.FlagsOf(page).HasFlag(PteFlags.CopyOnWrite));
        Assert.False(m.Process(c)!.AddressSpace!.PageTable.FlagsOf(page).HasFlag(PteFlags.Writable));
        Assert.Equal(m.Memory.PageCacheKey(frame), ("/home/student/a.out", 0L));
        m.Exit(p, 0);
        Assert.Equal(frame, m.Process(c)!.AddressSpace!.PageTable.FrameOf(page)); // still mapped, now by one
    }

    [Fact]
    public void Two_processes_running_the_same_program_share_its_code_frames()
    {
        var m = Machine.Boot();
        var a = m.Start("/bin/sh");
        var b = m.Start("/bin/sh");
        var page = m.Process(a)!.AddressSpace!.Segments[0].Start.Page(m.PageSize);
        Assert.Equal(m.Process(a)!.AddressSpace!.PageTable.FrameOf(page), m.Process(b)!.AddressSpace!.PageTable.FrameOf(page));
        var code = m.Process(a)!.AddressSpace!.Smaps(m.Process(a)!.AddressSpace!.Segments[0]);
        Assert.Equal(m.PageSize / 1024, code.SharedClean); // mapped by 2, never written
    }

    [Fact]
    public void Without_the_zero_page_a_first_read_allocates_a_frame_as_a_demand_zero_fault()
    {
        var m = Machine.Boot(new MachineOptions { ZeroPage = false });
        var p = m.Start("/home/student/a.out");
        var a = m.Mmap(p, 16 * m.PageSize, Protection.ReadWrite).Value;
        int used = m.Memory.UsedFrames;
        Assert.Equal(0, m.Process(p)!.AddressSpace!.Smaps(m.Process(p)!.AddressSpace!.FindSegment(a)).Rss);
        Assert.Equal(0UL, m.ReadWord(p, a + 8).Value); // zero-filled
        Assert.Equal(used + 1, m.Memory.UsedFrames);
        Assert.Equal(FaultKind.DemandZero, m.Events.OfType<PageFault>().Last().Kind);
    }

    [Fact]
    public void A_written_page_reads_back_what_was_written_bytes_and_words()
    {
        var (m, p) = WithProgram();
        var a = m.Mmap(p, 4 * m.PageSize, Protection.ReadWrite).Value;
        var data = Enumerable.Range(0, 2 * m.PageSize + 100).Select(i => (byte)(i * 7)).ToArray();
        var at = a + (m.PageSize - 37); // crosses two page boundaries, unaligned
        m.Write(p, at, data).ThrowIfNotOk();
        var back = new byte[data.Length];
        m.Read(p, at, back).ThrowIfNotOk();
        Assert.Equal(data, back);
        m.WriteWord(p, a + 8, 0x1122334455667788).ThrowIfNotOk();
        Assert.Equal(0x1122334455667788UL, m.ReadWord(p, a + 8).Value);
    }

    [Fact]
    public void A_write_to_code_kills_the_process_with_SIGSEGV()
    {
        var (m, p) = WithProgram(initReaps: false);
        var code = m.Process(p)!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Code).Start;
        var r = m.WriteWord(p, code, 1);
        Assert.True(r.IsKilled);
        Assert.Equal(Signal.SIGSEGV, r.KilledBy);
        Assert.Contains("code", r.Message);
        Assert.Equal(WaitStatus.Killed(Signal.SIGSEGV), m.Process(p)!.ExitStatus);
        Assert.Equal(1, m.Process(p)!.Faults.Protection);
    }

    [Fact]
    public void A_write_to_an_unmapped_address_kills_the_process_with_SIGSEGV()
    {
        var (m, p) = WithProgram(initReaps: false);
        var r = m.WriteWord(p, new VirtualAddress(0x10), 1);
        Assert.Equal(Signal.SIGSEGV, r.KilledBy);
        Assert.Contains("no segment", r.Message);
        Assert.Equal(11, m.Process(p)!.ExitStatus!.Value.Raw);
    }

    [Fact]
    public void A_write_to_read_only_mmap_memory_kills_with_SIGSEGV()
    {
        var (m, p) = WithProgram(initReaps: false);
        var a = m.Mmap(p, m.PageSize, Protection.Read).Value;
        Assert.True(m.ReadWord(p, a).IsOk);
        Assert.Equal(Signal.SIGSEGV, m.WriteWord(p, a, 1).KilledBy);
    }

    [Fact]
    public void Core_dumps_set_bit_0x80_when_enabled()
    {
        var m = Machine.Boot(new MachineOptions { CoreDumps = true, InitReapsZombies = false });
        var p = m.Start("/bin/sh");
        m.WriteWord(p, new VirtualAddress(0), 1);
        Assert.Equal(0x8b, m.Process(p)!.ExitStatus!.Value.Raw);
    }

    [Fact]
    public void Running_out_of_frames_on_a_fault_gets_the_process_killed_by_the_OOM_killer()
    {
        var (m, p) = WithProgram(frames: 32, initReaps: false);
        var a = m.Mmap(p, 64L * m.PageSize, Protection.ReadWrite).Value; // mmap overcommits
        SysResult r = default;
        for (int i = 0; i < 64 && !r.IsKilled; i++) r = m.WriteWord(p, a + (long)i * m.PageSize, 1);
        Assert.Equal(Signal.SIGKILL, r.KilledBy);
        Assert.Contains("OOM", r.Message);
        Assert.Equal(m.Init.AddressSpace!.ResidentPages, m.Memory.UsedFrames); // everything of p was freed
    }

    [Fact]
    public void The_stack_grows_down_on_demand_up_to_the_limit()
    {
        var (m, p) = WithProgram(initReaps: false);
        var stack = m.Process(p)!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Stack);
        var below = stack.Start + -3 * m.PageSize;
        m.WriteWord(p, below, 1).ThrowIfNotOk();
        var grown = m.Process(p)!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Stack);
        Assert.Equal(below.Value / (ulong)m.PageSize * (ulong)m.PageSize, grown.Start.Value);
        Assert.Equal(stack.End, grown.End);
        var tooFar = grown.End + -(9L * 1024 * 1024); // beyond the 8 MiB stack limit
        Assert.Equal(Signal.SIGSEGV, m.WriteWord(p, tooFar, 1).KilledBy);
    }

    [Fact]
    public void Sbrk_grows_the_heap_and_returns_the_old_break()
    {
        var (m, p) = WithProgram();
        var start = m.Brk(p, new VirtualAddress(0)).Value;
        var old = m.Sbrk(p, 3 * m.PageSize).Value;
        Assert.Equal(start, old);
        Assert.Equal(start + 3 * m.PageSize, m.Brk(p, new VirtualAddress(0)).Value);
        m.WriteWord(p, old, 5).ThrowIfNotOk();
        m.WriteWord(p, old + (2L * m.PageSize), 6).ThrowIfNotOk();
        Assert.Equal(2 * m.PageSize / 1024, m.Process(p)!.AddressSpace!.Smaps(m.Process(p)!.AddressSpace!.FindSegment(old)).Rss);
    }

    [Fact]
    public void Shrinking_the_heap_frees_its_pages_and_later_access_faults()
    {
        var (m, p) = WithProgram(initReaps: false);
        var old = m.Sbrk(p, 4 * m.PageSize).Value;
        for (int i = 0; i < 4; i++) m.WriteWord(p, old + (long)i * m.PageSize, 1).ThrowIfNotOk();
        int used = m.Memory.UsedFrames;
        m.Sbrk(p, -4 * m.PageSize).ThrowIfNotOk();
        Assert.Equal(used - 4, m.Memory.UsedFrames);
        Assert.Equal(Signal.SIGSEGV, m.WriteWord(p, old, 1).KilledBy);
    }

    [Fact]
    public void Brk_below_the_heap_start_fails_with_ENOMEM_and_changes_nothing()
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        var r = m.Sbrk(p, -m.PageSize);
        Assert.Equal(Errno.ENOMEM, r.Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Mmap_with_a_bad_length_fails_with_EINVAL_and_changes_nothing()
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        Assert.Equal(Errno.EINVAL, m.Mmap(p, 0, Protection.ReadWrite).Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void Mmap_places_mappings_top_down_and_munmap_frees_them()
    {
        var (m, p) = WithProgram();
        var a = m.Mmap(p, m.PageSize, Protection.ReadWrite).Value;
        var b = m.Mmap(p, m.PageSize, Protection.ReadWrite).Value;
        Assert.True(b < a);
        m.WriteWord(p, a, 1).ThrowIfNotOk();
        int used = m.Memory.UsedFrames;
        m.Munmap(p, a, m.PageSize).ThrowIfNotOk();
        Assert.Equal(used - 1, m.Memory.UsedFrames);
        Assert.Null(m.Process(p)!.AddressSpace!.FindSegment(a));
        var before = m.Snapshot();
        Assert.Equal(Errno.EINVAL, m.Munmap(p, b + 8, m.PageSize).Errno);
        AssertUnchanged(m, before);
    }

    [Fact]
    public void A_shared_mapping_stays_shared_after_fork()
    {
        var (m, p) = WithProgram();
        var a = m.Mmap(p, m.PageSize, Protection.ReadWrite, shared: true).Value;
        m.WriteWord(p, a, 1).ThrowIfNotOk();
        var c = m.Fork(p).Value;
        m.WriteWord(c, a, 2).ThrowIfNotOk();
        Assert.Equal(2UL, m.ReadWord(p, a).Value);
        Assert.Equal(0, m.Process(c)!.Faults.CowCopy);
    }

    [Fact]
    public void Copy_on_write_across_three_generations_keeps_each_value_private()
    {
        var (m, p) = WithProgram();
        var a = MapAndWrite(m, p, 1, seed: 1);
        var c = m.Fork(p).Value;
        var g = m.Fork(c).Value;
        Assert.Equal(3, m.Memory.MapCount(m.Process(p)!.AddressSpace!.PageTable.FrameOf(a.Page(m.PageSize))!.Value));
        m.WriteWord(c, a, 2).ThrowIfNotOk();
        m.WriteWord(g, a, 3).ThrowIfNotOk();
        Assert.Equal((1UL, 2UL, 3UL), (m.ReadWord(p, a).Value, m.ReadWord(c, a).Value, m.ReadWord(g, a).Value));
        m.WriteWord(p, a, 4).ThrowIfNotOk(); // the last owner of the original frame: reuse
        Assert.Equal((0L, 1L), (m.Process(p)!.Faults.CowCopy, m.Process(p)!.Faults.CowReuse));
    }
}

public class MemoryArgumentTests
{
    [Fact]
    public void Absurd_sizes_fail_with_ENOMEM_and_change_nothing()
    {
        var (m, p) = WithProgram();
        var before = m.Snapshot();
        Assert.Equal(Errno.ENOMEM, m.Mmap(p, long.MaxValue, Protection.ReadWrite).Errno);
        Assert.Equal(Errno.ENOMEM, m.Sbrk(p, long.MaxValue).Errno);
        Assert.Equal(Errno.ENOMEM, m.Sbrk(p, long.MinValue).Errno);
        Assert.Equal(Errno.ENOMEM, m.Brk(p, new VirtualAddress(ulong.MaxValue)).Errno);
        Assert.Equal(Errno.EINVAL, m.Munmap(p, new VirtualAddress(0x1000), long.MaxValue).Errno);
        AssertUnchanged(m, before);
    }
}
