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

    private static void RunBoth(int pageSize, bool zeroPage, BigOp[] ops)
    {
        var classic = Boot(pageSize, zeroPage, onDemand: false);
        var onDemand = Boot(pageSize, zeroPage, onDemand: true);
        classic.Start("/home/student/a.out");
        onDemand.Start("/home/student/a.out");
        var before = onDemand.Snapshot();
        for (int step = 0; step < ops.Length; step++)
        {
            long start = onDemand.Clock + 1;
            var expected = Apply(classic, ops[step], step);
            var actual = Apply(onDemand, ops[step], step);
            string where = $"step {step} {ops[step]}";
            Assert.True(expected.ToString() == actual.ToString(), $"{where}: classic {expected}, on-demand {actual}");
            var after = onDemand.Snapshot();
            Assert.True(classic.Snapshot() == after, $"{where}: the machines' snapshots differ\n{Difference(classic.Snapshot(), after)}");
            Assert.Equal(classic.Events.Select(e => e.ToString()), onDemand.Events.Select(e => e.ToString()));
            SameContents(classic, onDemand, after, where);
            KernelInvariants.CheckAfterStep(onDemand, before, after, start);
            foreach (var process in onDemand.Processes.Where(p => p.AddressSpace is not null))
                Assert.True(process.AddressSpace!.ResidentPages == after[process.Pid]!.Memory!.Pages.Count, $"{where}: {process.Pid}'s resident count");
            before = after;
        }
        KernelInvariants.KillEverythingAndCheckNoLeak(onDemand);
        KernelInvariants.KillEverythingAndCheckNoLeak(classic);
        Assert.Equal(classic.Snapshot(), onDemand.Snapshot());
    }

    /// <summary>The words the generated stores write (first words, last word) are the same in every used frame.</summary>
    private static void SameContents(Machine classic, Machine onDemand, Tracing.MachineSnapshot after, string where)
    {
        int words = onDemand.PageSize / 8;
        foreach (var frame in after.Frames.Used)
            foreach (int word in new[] { 0, 1, 2, 3, words - 1 })
                Assert.True(classic.Memory.ReadWord(frame.Frame, word) == onDemand.Memory.ReadWord(frame.Frame, word), $"{where}: word {word} of {frame.Frame} differs");
    }

    private static string Difference(Tracing.MachineSnapshot a, Tracing.MachineSnapshot b)
    {
        if (a.Frames != b.Frames) return $"frames: {a.Frames.Free} vs {b.Frames.Free} free; first differing used frame: "
            + a.Frames.Used.Zip(b.Frames.Used).FirstOrDefault(x => x.First != x.Second);
        foreach (var p in a.Processes)
        {
            var q = b[p.Pid];
            if (q is null) return $"{p.Pid} missing";
            if (p == q) continue;
            if (p.Memory is { } x && q.Memory is { } y)
            {
                var page = x.Pages.Zip(y.Pages).FirstOrDefault(z => z.First != z.Second);
                return $"{p.Pid}: pages {x.Pages.Count} vs {y.Pages.Count}, first differing {page}, smaps {x.Smaps} vs {y.Smaps}, faults {p.Faults} vs {q.Faults}";
            }
            return $"{p.Pid}: {p} vs {q}";
        }
        return "elsewhere";
    }

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
}
