using System.Globalization;

namespace CourseKit.Memory;

/// <summary>
/// A virtual address in a process's address space. Each process has its own: the same virtual address in a
/// parent and a child after fork names two different bytes once copy-on-write has separated them.
/// </summary>
public readonly record struct VirtualAddress(ulong Value) : IComparable<VirtualAddress>
{
    /// <summary>The virtual page this address falls in.</summary>
    public PageNumber Page(int pageSize) => new(Value / (ulong)pageSize);

    /// <summary>The byte offset inside its page.</summary>
    public int Offset(int pageSize) => (int)(Value % (ulong)pageSize);

    /// <summary>The address <paramref name="bytes"/> further on (or back, when negative).</summary>
    public VirtualAddress Plus(long bytes) => new(unchecked(Value + (ulong)bytes));

    /// <summary>Address arithmetic, as C allows on pointers.</summary>
    public static VirtualAddress operator +(VirtualAddress a, long bytes) => a.Plus(bytes);

    /// <summary>The distance in bytes between two addresses.</summary>
    public static long operator -(VirtualAddress a, VirtualAddress b) => unchecked((long)(a.Value - b.Value));

    /// <summary>Address order.</summary>
    public static bool operator <(VirtualAddress a, VirtualAddress b) => a.Value < b.Value;
    /// <summary>Address order.</summary>
    public static bool operator >(VirtualAddress a, VirtualAddress b) => a.Value > b.Value;
    /// <summary>Address order.</summary>
    public static bool operator <=(VirtualAddress a, VirtualAddress b) => a.Value <= b.Value;
    /// <summary>Address order.</summary>
    public static bool operator >=(VirtualAddress a, VirtualAddress b) => a.Value >= b.Value;

    /// <inheritdoc/>
    public int CompareTo(VirtualAddress other) => Value.CompareTo(other.Value);

    /// <summary>Hex with an underscore every 4 digits, as the course writes addresses: "0x7ffd_1000".</summary>
    public override string ToString() => "0x" + Hex.Grouped(Value);
}

/// <summary>A virtual page number (address / page size): the index into a page table.</summary>
public readonly record struct PageNumber(ulong Value) : IComparable<PageNumber>
{
    /// <summary>The first address of this page.</summary>
    public VirtualAddress Address(int pageSize) => new(Value * (ulong)pageSize);

    /// <inheritdoc/>
    public int CompareTo(PageNumber other) => Value.CompareTo(other.Value);

    /// <summary>"page 0x400".</summary>
    public override string ToString() => "page 0x" + Value.ToString("x", CultureInfo.InvariantCulture);
}

/// <summary>A physical frame number: the index of a page-sized piece of the simulated RAM.</summary>
public readonly record struct FrameNumber(int Value) : IComparable<FrameNumber>
{
    /// <inheritdoc/>
    public int CompareTo(FrameNumber other) => Value.CompareTo(other.Value);

    /// <summary>"frame 17".</summary>
    public override string ToString() => $"frame {Value}";
}

/// <summary>Memory protection of a mapping (PROT_READ, PROT_WRITE, PROT_EXEC with Linux's values).</summary>
[Flags]
public enum Protection
{
    /// <summary>PROT_NONE: every access faults.</summary>
    None = 0,
    /// <summary>PROT_READ.</summary>
    Read = 1,
    /// <summary>PROT_WRITE.</summary>
    Write = 2,
    /// <summary>PROT_EXEC.</summary>
    Exec = 4,
    /// <summary>Read and write: data, heap, stack.</summary>
    ReadWrite = Read | Write,
    /// <summary>Read and execute: code.</summary>
    ReadExec = Read | Exec,
}

internal static class Hex
{
    /// <summary>Lower-case hex with '_' between groups of 4 digits from the right.</summary>
    public static string Grouped(ulong value)
    {
        string hex = value.ToString("x", CultureInfo.InvariantCulture);
        if (hex.Length <= 4) return hex;
        var chars = new System.Text.StringBuilder(hex.Length + hex.Length / 4);
        int first = hex.Length % 4;
        if (first > 0) chars.Append(hex, 0, first);
        for (int i = first; i < hex.Length; i += 4)
        {
            if (chars.Length > 0) chars.Append('_');
            chars.Append(hex, i, 4);
        }
        return chars.ToString();
    }
}
