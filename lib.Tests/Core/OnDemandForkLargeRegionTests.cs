using CourseKit.Kernel;
using CourseKit.Memory;
using CsCheck;

namespace CourseKit.Tests.Core;

/// <summary>
/// On-demand fork against Linux's fork where the small-machine property test cannot reach: regions of
/// hundreds or thousands of pages, so every operation crosses leaves (512 pages) and, on a 64-byte-page machine
/// with mappings larger than a directory (512 leaves), directories; sbrk and munmap of
/// parts of shared directories, writes and reads in strides, the stack growing, MAP_SHARED mappings, fork
/// chains with exits and execs in the middle, vfork and CLONE_VM children, with and without the zero page.
/// After every step both machines must agree on the result, the events and the whole snapshot (pages, flags,
/// map counts, smaps, faults, free frames).
/// </summary>
public class OnDemandForkLargeRegionTests
{
    /// <summary>A generated step: the kind and three numbers (caller, sizes, offsets).</summary>
    public readonly record struct BigOp(int Kind, int A, int B, int C)
    {
        public override string ToString() => $"{(Kind < Names.Length ? Names[Kind] : "?")}({A},{B},{C})";
    }

    private static readonly string[] Names =
        ["fork", "fork", "fork", "clone", "vfork", "exec", "exit", "wait", "kill", "spawn",
         "mmap", "mmap", "mmap-huge", "munmap", "sbrk", "sbrk-huge", "write-stride", "write-stride", "fill", "fill", "read-stride", "grow-stack", "write-boundary", "write-bytes"];

    private static readonly Gen<BigOp> GenOp =
        Gen.Select(Gen.Int[0, Names.Length - 1], Gen.Int[0, 15], Gen.Int[0, 4095], Gen.Int[0, 4095], (k, a, b, c) => new BigOp(k, a, b, c));

    private static readonly Gen<(int PageSize, bool ZeroPage, BigOp[] Ops)> GenProgram =
        Gen.Select(Gen.Int[0, 2].Select(i => i < 2 ? 64 : 4096), Gen.Bool, GenOp.Array[1, 24]);

    [Fact]
    public void Random_programs_over_large_regions_account_exactly_as_a_classic_fork()
    {
        GenProgram.Sample(p => RunBoth(p.PageSize, p.ZeroPage, p.Ops), iter: 400,
            print: p => $"pageSize={p.PageSize} zeroPage={p.ZeroPage} [{string.Join(", ", p.Ops)}]");
    }

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void A_huge_mapping_crosses_a_directory_boundary(int pageSize)
    {
        // The generator's mmap-huge and write-boundary steps rely on this to put pages under two directories.
        var m = Boot(pageSize, zeroPage: true, onDemand: true);
        var p = m.Start("/home/student/a.out");
        var region = m.Mmap(p, (1L << PageTable.DirectoryBits) * pageSize, Protection.ReadWrite).Value;
        ulong first = region.Value / (ulong)pageSize, end = first + (1UL << PageTable.DirectoryBits);
        Assert.NotEqual(first >> PageTable.DirectoryBits, (end - 1) >> PageTable.DirectoryBits);
    }

    private static Machine Boot(int pageSize, bool zeroPage, bool onDemand) => Machine.Boot(new MachineOptions
    {
        Frames = 6000, PageSize = pageSize, PidMax = 60, MaxProcessesPerUser = 10, ZeroPage = zeroPage, OnDemandFork = onDemand,
    });

    private static void RunBoth(int pageSize, bool zeroPage, BigOp[] ops) =>
        ForkStrategyTwins.Run(onDemand => Boot(pageSize, zeroPage, onDemand), ops.Length, (m, i) => Apply(m, ops[i], i),
            describe: i => $"step {i} {ops[i]}");

    /// <summary>A segment of the space; for a write, mostly a writable one (a write to code kills the process).</summary>
    private static Segment PickSegment(AddressSpace space, BigOp op, bool write)
    {
        var choices = write && op.B % 8 != 0 ? space.Segments.Where(s => (s.Protection & Protection.Write) != 0).ToList() : [.. space.Segments];
        return choices.Count == 0 ? space.Segments[0] : choices[op.B % choices.Count];
    }

    private static string Apply(Machine m, BigOp op, int step)
    {
        var callers = m.Threads.Where(t => t.Process.Pid != Pid.Init).ToList();
        if (callers.Count == 0)
        {
            try { m.Start("/home/student/a.out"); } catch (SysCallException) { }
            return "start";
        }
        var caller = callers[op.A % callers.Count].Tid;
        var process = m.Thread(caller)!.Process;
        var space = process.AddressSpace!;
        long ps = m.PageSize;
        var small = new KernelPropertyTests.Op(0, op.A, op.B % 16, op.C % 16);
        switch (Names[op.Kind])
        {
            case "fork": return KernelPropertyTests.Apply(m, small with { Kind = 0 }, step).Result.ToString();
            case "clone": return KernelPropertyTests.Apply(m, small with { Kind = 1 }, step).Result.ToString();
            case "vfork": return KernelPropertyTests.Apply(m, small with { Kind = 2 }, step).Result.ToString();
            case "exec": return KernelPropertyTests.Apply(m, small with { Kind = 3 }, step).Result.ToString();
            case "exit": return KernelPropertyTests.Apply(m, small with { Kind = 4 }, step).Result.ToString();
            case "wait": return KernelPropertyTests.Apply(m, small with { Kind = 6 }, step).Result.ToString();
            case "kill": return KernelPropertyTests.Apply(m, small with { Kind = 7 }, step).Result.ToString();
            case "spawn": return KernelPropertyTests.Apply(m, small with { Kind = 15 }, step).Result.ToString();
            case "mmap":
                return m.Mmap(caller, (op.B % 1500 + 1) * ps, op.C % 7 == 0 ? Protection.Read : Protection.ReadWrite, shared: op.C % 5 == 0).ToString();
            case "mmap-huge": // reserves more than a directory covers (512 × 512 pages): it crosses a directory boundary
                return m.Mmap(caller, ((1L << PageTable.DirectoryBits) + op.B * 8) * ps, Protection.ReadWrite, shared: op.C % 5 == 0).ToString();
            case "munmap":
                var maps = space.Segments.Where(s => s.Kind == SegmentKind.Mmap).ToList();
                return maps.Count == 0 ? "no mapping" : m.Munmap(caller, maps[op.B % maps.Count].Start, maps[op.B % maps.Count].Length).ToString();
            case "sbrk": return m.Sbrk(caller, (op.B % 1201 - 600) * ps).ToString();
            case "sbrk-huge": return m.Sbrk(caller, (op.B % 2 == 0 ? 1 : -1) * (op.C % 3 + 1) * 150_000L * ps).ToString();
            case "write-stride":
            case "read-stride":
            case "fill":
            {
                bool write = Names[op.Kind] != "read-stride";
                var segment = PickSegment(space, op, write);
                long pages = segment.Pages((int)ps);
                long stride = Names[op.Kind] == "fill" ? 1 : Math.Max(1, op.B % 3 == 0 ? 1 : pages / (op.C % 40 + 1));
                int most = Names[op.Kind] == "fill" ? op.B % 1100 + 1 : 60;
                var results = new List<string>();
                for (long page = op.C % pages, n = 0; page < pages && n < most; page += stride, n++)
                {
                    var at = segment.Start + page * ps + 8 * (op.C % 4);
                    results.Add(write ? m.WriteWord(caller, at, 0xB16_0000_0000UL + (ulong)(step * 100 + n)).ToString() : m.ReadWord(caller, at).ToString());
                    if (process.AddressSpace is null || process.State is ProcessState.Zombie or ProcessState.Reaped) break;
                }
                return string.Join("; ", results);
            }
            case "grow-stack":
            {
                var stack = space.Segments.FirstOrDefault(s => s.Kind == SegmentKind.Stack);
                if (stack is null) return "no stack";
                var at = stack.Start + -(long)(op.B % 3000 + 1) * ps;
                return op.C % 3 == 0 ? m.ReadWord(caller, at).ToString() : m.WriteWord(caller, at, 0x57AC_0000UL + (ulong)step).ToString();
            }
            case "write-boundary":
            {
                // the pages on both sides of a leaf or directory boundary inside a segment
                var segment = PickSegment(space, op, write: op.C % 5 != 0);
                ulong first = segment.Start.Value / (ulong)ps, end = segment.End.Value / (ulong)ps;
                ulong directoryBoundary = ((first >> PageTable.DirectoryBits) + 1) << PageTable.DirectoryBits;
                ulong boundary = op.C % 3 == 0 && directoryBoundary < end ? directoryBoundary : ((first >> 9) + 1 + (ulong)(op.C % 4)) << 9;
                var results = new List<string>();
                foreach (ulong vpn in new[] { boundary - 1, boundary })
                    if (vpn >= first && vpn < end)
                        results.Add(op.C % 5 == 0 ? m.ReadWord(caller, new VirtualAddress(vpn * (ulong)ps)).ToString()
                            : m.WriteWord(caller, new VirtualAddress(vpn * (ulong)ps), 0xB0_0000UL + vpn).ToString());
                return string.Join("; ", results);
            }
            default:
            {
                // a multi-byte store across a page boundary (two faults in one call)
                var segment = PickSegment(space, op, write: true);
                long pages = segment.Pages((int)ps);
                var at = segment.Start + (op.C % pages) * ps + (ps - 4);
                return m.Write(caller, at, [1, 2, 3, 4, 5, 6, 7, 8]).ToString();
            }
        }
    }

    // ----- named scenarios: the cases the brief of the on-demand fork lists, each run on both machines -----

    /// <summary>One step of a scenario: a call on a machine, its result as text (both machines get the same PIDs).</summary>
    public delegate object Step(Machine m);

    /// <summary>The i-th live process other than init, in PID order.</summary>
    private static Pid P(Machine m, int i) => m.Processes.Where(p => p.Pid != Pid.Init && p.State != ProcessState.Zombie).OrderBy(p => p.Pid.Value).ElementAt(i).Pid;

    private static Segment Mapping(Machine m, int process, int i) =>
        m.Process(P(m, process))!.AddressSpace!.Segments.Where(s => s.Kind == SegmentKind.Mmap).OrderBy(s => s.Start).ElementAt(i);

    private static VirtualAddress Page(Machine m, Segment segment, long page) => segment.Start + page * m.PageSize;

    /// <summary>Writes pages [from, to) of a segment (every <paramref name="stride"/>-th), one store each.</summary>
    private static string Fill(Machine m, int process, Segment segment, long from, long to, long stride = 1, ulong tag = 0)
    {
        var results = new List<string>();
        for (long page = from; page < to; page += stride) results.Add(m.WriteWord(P(m, process), Page(m, segment, page), tag + (ulong)page).ToString());
        return string.Join("; ", results.Distinct());
    }

    private static string ReadAll(Machine m, int process, Segment segment, long from, long to, long stride = 1) =>
        string.Join("; ", Enumerable.Range(0, (int)((to - from + stride - 1) / stride)).Select(i => m.ReadWord(P(m, process), Page(m, segment, from + i * stride)).ToString()));

    private static void RunScenario(int pageSize, bool zeroPage, params Step[] steps) =>
        ForkStrategyTwins.Run(onDemand => Boot(pageSize, zeroPage, onDemand), steps.Length, (m, i) => steps[i](m),
            checkResult: (where, result) => Assert.False(result.Contains("killed") || result.Contains("= -1"),
                $"{where} did not do what the scenario means: {result}"));

    private static Step MmapAndFill(int process, long pages, long stride = 1, bool shared = false) => m =>
    {
        var at = m.Mmap(P(m, process), pages * m.PageSize, Protection.ReadWrite, shared).Value;
        var segment = m.Process(P(m, process))!.AddressSpace!.FindSegment(at)!;
        return Fill(m, process, segment, 0, pages, stride);
    };

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void A_middle_process_of_a_fork_chain_writes_then_exits(int pageSize) => RunScenario(pageSize, true,
        MmapAndFill(0, 1100),
        m => m.Fork(P(m, 0)),
        m => m.Fork(P(m, 1)),                                                // the grandchild shares what the child shares
        m => Fill(m, 1, Mapping(m, 1, 0), 0, 1100, 300, tag: 0x100),          // the middle one writes across three leaves
        m => m.Exit(P(m, 1), 0),
        m => m.Wait(P(m, 0)),
        m => Fill(m, 1, Mapping(m, 1, 0), 5, 1100, 350, tag: 0x200),          // the grandchild (now second) writes
        m => Fill(m, 0, Mapping(m, 0, 0), 5, 1100, 350, tag: 0x300),          // and the parent, after it
        m => ReadAll(m, 1, Mapping(m, 1, 0), 0, 1100, 37),
        m => m.Exit(P(m, 1), 0),
        m => Fill(m, 0, Mapping(m, 0, 0), 0, 1100, 101, tag: 0x400));

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void A_process_whose_directories_are_shared_execs_or_vforks_or_starts_a_thread(int pageSize) => RunScenario(pageSize, true,
        MmapAndFill(0, 1100, 3),
        m => m.Fork(P(m, 0)),
        m => m.Exec(P(m, 0), "/home/student/a.out", ["x"]),                  // the parent lets go of what the child still uses
        m => Fill(m, 1, Mapping(m, 1, 0), 0, 1100, 97, tag: 0x10),
        m => m.Fork(P(m, 1)),
        m => m.Vfork(P(m, 2)),                                               // a vfork child of a process whose tables are shared
        m => Fill(m, 3, Mapping(m, 3, 0), 1, 1100, 250, tag: 0x20),           // writes through the parent's space
        m => m.Exec(P(m, 3), "/bin/true", ["true"]),
        m => ReadAll(m, 2, Mapping(m, 2, 0), 0, 1100, 125),
        m => m.Clone(P(m, 2), CloneFlags.Vm | CloneFlags.Sighand | CloneFlags.Thread),
        m => m.WriteWord(m.Process(P(m, 2))!.Threads.Last().Tid, Page(m, Mapping(m, 2, 0), 700), 0x30),
        m => ReadAll(m, 1, Mapping(m, 1, 0), 0, 1100, 100));

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void A_child_unmaps_or_shrinks_part_of_a_shared_directory(int pageSize) => RunScenario(pageSize, false,
        MmapAndFill(0, 600),
        MmapAndFill(0, 700, 2),
        m => m.Sbrk(P(m, 0), 1500L * m.PageSize),
        m => Fill(m, 0, m.Process(P(m, 0))!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Heap), 0, 1500, 3),
        m => m.Fork(P(m, 0)),
        m => m.Munmap(P(m, 1), Mapping(m, 1, 1).Start, Mapping(m, 1, 1).Length),
        m => ReadAll(m, 0, Mapping(m, 0, 1), 0, 600, 7),
        m => m.Sbrk(P(m, 1), -1000L * m.PageSize),                          // across leaves of a shared directory
        m => Fill(m, 0, m.Process(P(m, 0))!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Heap), 0, 1500, 250, tag: 0x40),
        m => m.Sbrk(P(m, 1), 500L * m.PageSize),
        m => Fill(m, 1, m.Process(P(m, 1))!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Heap), 400, 1000, 50, tag: 0x50),
        m => m.Munmap(P(m, 0), Mapping(m, 0, 0).Start, Mapping(m, 0, 0).Length),
        m => m.Fork(P(m, 1)),
        m => m.Sbrk(P(m, 2), -500L * m.PageSize));

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void Zero_page_entries_shared_mappings_and_a_growing_stack_in_shared_tables(int pageSize) => RunScenario(pageSize, true,
        m => m.Mmap(P(m, 0), 1100L * m.PageSize, Protection.ReadWrite),
        m => ReadAll(m, 0, Mapping(m, 0, 0), 0, 1100, 2),                    // zero-page entries
        m => Fill(m, 0, Mapping(m, 0, 0), 0, 1100, 3),
        MmapAndFill(0, 900, 2, shared: true),
        m => m.WriteWord(P(m, 0), m.Process(P(m, 0))!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Stack).Start + -600L * m.PageSize, 1),
        m => m.Fork(P(m, 0)),
        m => ReadAll(m, 1, Mapping(m, 1, 0), 0, 1100, 5),
        m => Fill(m, 1, Mapping(m, 1, 0), 0, 1100, 4, tag: 0x60),              // zero-page, copy-on-write and untouched pages
        m => Fill(m, 1, Mapping(m, 1, 1), 0, 900, 3, tag: 0x70),               // MAP_SHARED: the parent sees the written ones
        m => ReadAll(m, 0, Mapping(m, 0, 1), 0, 900, 3),
        m => m.WriteWord(P(m, 1), m.Process(P(m, 1))!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Stack).Start + -700L * m.PageSize, 2),
        m => m.WriteWord(P(m, 0), m.Process(P(m, 0))!.AddressSpace!.Segments.First(s => s.Kind == SegmentKind.Stack).Start, 3),
        m => Fill(m, 0, Mapping(m, 0, 0), 1, 1100, 2, tag: 0x80));

    [Theory]
    [InlineData(64)]
    [InlineData(4096)]
    public void Pages_on_both_sides_of_a_directory_boundary(int pageSize)
    {
        long pages = (1L << PageTable.DirectoryBits) + 1000;
        Step near(int process, ulong tag) => m =>
        {
            var segment = Mapping(m, process, 0);
            long boundary = (long)((((segment.Start.Value / (ulong)m.PageSize) >> PageTable.DirectoryBits) + 1) << PageTable.DirectoryBits) - (long)(segment.Start.Value / (ulong)m.PageSize);
            return Fill(m, process, segment, boundary - 600, boundary + 600, 100, tag);
        };
        RunScenario(pageSize, true,
            m => m.Mmap(P(m, 0), pages * m.PageSize, Protection.ReadWrite),
            near(0, 0),
            m => m.Fork(P(m, 0)),
            near(1, 0x90),
            m => m.Fork(P(m, 1)),
            m => m.Exit(P(m, 1), 0),
            near(1, 0xA0),
            near(0, 0xB0),
            m => m.Munmap(P(m, 1), Mapping(m, 1, 0).Start, Mapping(m, 1, 0).Length));
    }
}
