using System.Globalization;
using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Kernel;

public sealed partial class Machine
{
    /// <summary>The size of the x86-64 user address space (128 TiB): no mapping or heap can be larger.</summary>
    private const long MaxUserBytes = 1L << 47;

    /// <summary>
    /// brk(address): moves the end of the heap. Growing reserves addresses only (frames come on first
    /// touch); shrinking frees the pages above. <c>Brk(pid, 0)</c> returns the current break. ENOMEM when
    /// the heap would overlap another segment or go below its start (glibc's brk() reports it so).
    /// </summary>
    public SysResult<VirtualAddress> Brk(Pid caller, VirtualAddress address)
    {
        string args = address.Value == 0 ? "NULL" : address.ToString();
        if (Enter<VirtualAddress>(caller, "brk", args, out var thread) is { } early) return early;
        var space = thread.Process.AddressSpace!;
        if (address.Value == 0) return Finish(caller, SysResult<VirtualAddress>.Ok("brk", args, space.Break));
        if (address.Value > Layout.MmapBase)
            return Failed<VirtualAddress>("brk", args, caller, Errno.ENOMEM, $"{address} is beyond where the heap may grow");
        if (address < space.HeapStart)
            return Failed<VirtualAddress>("brk", args, caller, Errno.ENOMEM, $"{address} is below the start of the heap ({space.HeapStart})");
        if (!space.SetBreak(address))
            return Failed<VirtualAddress>("brk", args, caller, Errno.ENOMEM, $"a heap ending at {address} would run into another segment");
        return Finish(caller, SysResult<VirtualAddress>.Ok("brk", args, space.Break));
    }

    /// <summary>
    /// sbrk(increment): grows (or shrinks) the heap by <paramref name="increment"/> bytes and returns the
    /// OLD break, which is where the new memory starts (how early malloc got memory). ENOMEM as for brk.
    /// </summary>
    public SysResult<VirtualAddress> Sbrk(Pid caller, long increment)
    {
        string args = increment.ToString(CultureInfo.InvariantCulture);
        if (Enter<VirtualAddress>(caller, "sbrk", args, out var thread) is { } early) return early;
        var space = thread.Process.AddressSpace!;
        var old = space.Break;
        if (increment > MaxUserBytes || increment < -MaxUserBytes)
            return Failed<VirtualAddress>("sbrk", args, caller, Errno.ENOMEM, $"{increment} bytes is more than the whole user address space");
        var wanted = old + increment;
        if (increment < 0 && wanted < space.HeapStart || increment > 0 && wanted < old)
            return Failed<VirtualAddress>("sbrk", args, caller, Errno.ENOMEM, $"the break would move outside the heap (start {space.HeapStart}, now {old})");
        if (!space.SetBreak(wanted))
            return Failed<VirtualAddress>("sbrk", args, caller, Errno.ENOMEM, $"growing the heap by {increment} bytes would run into another segment");
        return Finish(caller, SysResult<VirtualAddress>.Ok("sbrk", args, old));
    }

    /// <summary>
    /// mmap(NULL, length, prot, MAP_PRIVATE|MAP_ANONYMOUS): reserves zero-filled memory, placed top-down
    /// below the stack like Linux; pages are allocated on first touch. With <paramref name="shared"/>
    /// (MAP_SHARED) fork shares the pages writable instead of copy-on-write. EINVAL for a length ≤ 0 or bad
    /// protection bits, ENOMEM when no gap is large enough.
    /// </summary>
    public SysResult<VirtualAddress> Mmap(Pid caller, long length, Protection protection, bool shared = false)
    {
        string args = $"NULL, {length}, {FormatProt(protection)}, {(shared ? "MAP_SHARED" : "MAP_PRIVATE")}|MAP_ANONYMOUS, -1, 0";
        if (Enter<VirtualAddress>(caller, "mmap", args, out var thread) is { } early) return early;
        if (length <= 0) return Failed<VirtualAddress>("mmap", args, caller, Errno.EINVAL, $"the length must be positive, not {length}");
        if (length > MaxUserBytes) return Failed<VirtualAddress>("mmap", args, caller, Errno.ENOMEM, $"{length} bytes is more than the whole user address space");
        if ((protection & ~(Protection.Read | Protection.Write | Protection.Exec)) != 0)
            return Failed<VirtualAddress>("mmap", args, caller, Errno.EINVAL, $"unknown protection bits 0x{(int)protection:x}");
        long pages = (length + PageSize - 1) / PageSize;
        var space = thread.Process.AddressSpace!;
        if (space.FindMmapGap(pages) is not { } start)
            return Failed<VirtualAddress>("mmap", args, caller, Errno.ENOMEM, $"no free range of {pages} pages is left in the address space");
        space.Map(start, pages, protection, shared);
        return Finish(caller, SysResult<VirtualAddress>.Ok("mmap", args, start));
    }

    /// <summary>
    /// munmap(address, length): removes a mapping made by mmap and frees its frames (unless other
    /// processes still map them). EINVAL when the address is not page aligned or the range does not cover
    /// whole mmap segments (splitting a mapping, or unmapping code, heap or stack, is not simulated).
    /// </summary>
    public SysResult Munmap(Pid caller, VirtualAddress address, long length)
    {
        string args = $"{address}, {length}";
        if (Enter<long>(caller, "munmap", args, out var thread) is { } early) return early.WithoutValue();
        if (address.Value % (ulong)PageSize != 0 || length <= 0 || length > MaxUserBytes || address.Value > (ulong)MaxUserBytes)
            return Failed<long>("munmap", args, caller, Errno.EINVAL, "the address must be page aligned and the length positive").WithoutValue();
        var space = thread.Process.AddressSpace!;
        var end = space.PageAlignUp(address + length);
        var hit = space.Segments.Where(s => s.Start < end && s.End > address).ToList();
        if (hit.Any(s => s.Kind != SegmentKind.Mmap || s.Start < address || s.End > end))
            return Failed<long>("munmap", args, caller, Errno.EINVAL, "the range must cover whole mmap'ed segments only (partial unmaps are not simulated)").WithoutValue();
        foreach (var segment in hit) space.Unmap(segment);
        return Finish(caller, SysResult<long>.Ok("munmap", args, 0)).WithoutValue();
    }

    /// <summary>
    /// A store of one 8-byte word (little-endian) at <paramref name="address"/>: faults in the page as
    /// needed (demand-zero, copy-on-write). A write to code, to read-only memory or outside every segment
    /// kills the process with SIGSEGV; running out of frames gets it killed by the OOM killer (SIGKILL).
    /// </summary>
    public SysResult WriteWord(Pid caller, VirtualAddress address, ulong value)
    {
        if (address.Value % 8 != 0)
        {
            Span<byte> bytes = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            return Write(caller, address, bytes);
        }
        if (Enter<long>(caller, "store", "", out var thread) is { } early) return early.WithoutValue();
        if (Access(thread, address, write: true, out int frame) is { } killed) return killed;
        Memory.WriteWord(new FrameNumber(frame), address.Offset(PageSize) / 8, value);
        return SysResult<long>.OkAccess("store", address, 0).WithoutValue();
    }

    /// <summary>A load of one 8-byte word (little-endian). A read never copies a shared page.</summary>
    public SysResult<ulong> ReadWord(Pid caller, VirtualAddress address)
    {
        Span<byte> bytes = stackalloc byte[8];
        if (address.Value % 8 != 0)
        {
            var result = Read(caller, address, bytes);
            return result.IsOk
                ? SysResult<ulong>.OkAccess("load", address, System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes))
                : ToValueResult<ulong>(result, "load", address.ToString());
        }
        if (Enter<ulong>(caller, "load", "", out var thread) is { } early) return early;
        if (Access(thread, address, write: false, out int frame) is { } killed) return ToValueResult<ulong>(killed, "load", address.ToString());
        return SysResult<ulong>.OkAccess("load", address, Memory.ReadWord(new FrameNumber(frame), address.Offset(PageSize) / 8));
    }

    /// <summary>Stores bytes from <paramref name="address"/> on, page by page, faulting as needed (see <see cref="WriteWord"/>).</summary>
    public SysResult Write(Pid caller, VirtualAddress address, ReadOnlySpan<byte> data)
    {
        if (Enter<long>(caller, "store", "", out var thread) is { } early) return early.WithoutValue();
        for (int done = 0; done < data.Length;)
        {
            var at = address + done;
            int offset = at.Offset(PageSize), n = Math.Min(PageSize - offset, data.Length - done);
            if (Access(thread, at, write: true, out int frame) is { } killed) return killed;
            Memory.Write(new FrameNumber(frame), offset, data.Slice(done, n));
            done += n;
        }
        return SysResult<long>.OkAccess("store", address, 0).WithoutValue();
    }

    /// <summary>Loads bytes from <paramref name="address"/> on into <paramref name="into"/>. Reading unmapped memory is a SIGSEGV too.</summary>
    public SysResult Read(Pid caller, VirtualAddress address, Span<byte> into)
    {
        if (Enter<long>(caller, "load", "", out var thread) is { } early) return early.WithoutValue();
        for (int done = 0; done < into.Length;)
        {
            var at = address + done;
            int offset = at.Offset(PageSize), n = Math.Min(PageSize - offset, into.Length - done);
            if (Access(thread, at, write: false, out int frame) is { } killed) return killed;
            Memory.Read(new FrameNumber(frame), offset, into.Slice(done, n));
            done += n;
        }
        return SysResult<long>.OkAccess("load", address, 0).WithoutValue();
    }

    /// <summary>
    /// One page access through the MMU: touches the page (taking any fault), records the fault, and turns
    /// a SIGSEGV or an out-of-memory into the death of the process. Returns null when the access may go on.
    /// </summary>
    private SysResult? Access(SimThread thread, VirtualAddress address, bool write, out int frame)
    {
        var process = thread.Process;
        var space = process.AddressSpace!;
        var outcome = space.Touch(address.Value / (ulong)PageSize, write, process.Faults, out var fault, out frame);
        RecordFault(thread.Tid, address, write, fault);
        if (outcome == AccessOutcome.Ok) return null;
        string access = write ? "write to" : "read of";
        var segment = space.FindSegment(address);
        var (signal, why) = outcome switch
        {
            AccessOutcome.SegvProtection => (Signal.SIGSEGV, $"SIGSEGV: the {segment?.Kind.ToString().ToLowerInvariant()} segment {segment?.Name} does not allow a {(write ? "write" : "read")} ({segment})"),
            AccessOutcome.SegvUnmapped => (Signal.SIGSEGV, "SIGSEGV: no segment contains this address"),
            _ => (Signal.SIGKILL, $"out of memory: no free frame for the page, so the OOM killer killed {process.Pid}"),
        };
        Record(new SignalDelivered(Clock, process.Pid, signal, null, "terminated"));
        DoExit(process, WaitStatus.Killed(signal, Options.CoreDumps && signal.DefaultDumpsCore()), why);
        return SysResult<long>.Kill(write ? "store" : "load", address.ToString(), signal,
            $"{access} {address} by {thread.Tid}: {why}; {process.Pid} was killed").WithoutValue();
    }

    private static SysResult<T> ToValueResult<T>(SysResult result, string call, string args) => result.Outcome switch
    {
        SysOutcome.Killed => SysResult<T>.Kill(call, args, result.KilledBy!.Value, result.Message),
        SysOutcome.Blocked => SysResult<T>.Block(call, args, result.Message),
        _ => SysResult<T>.Fail(call, args, result.Errno, result.Message),
    };

    private static string FormatProt(Protection p) => p == Protection.None ? "PROT_NONE"
        : string.Join('|', new[] { (Protection.Read, "PROT_READ"), (Protection.Write, "PROT_WRITE"), (Protection.Exec, "PROT_EXEC") }
            .Where(x => (p & x.Item1) != 0).Select(x => x.Item2));
}
