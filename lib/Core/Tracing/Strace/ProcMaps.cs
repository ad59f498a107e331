using System.Globalization;
using CourseKit.Memory;

namespace CourseKit.Tracing.Strace;

/// <summary>
/// One line of /proc/PID/maps: "00400000-00401000 r-xp 00001000 fe:00 5309926   /usr/bin/ls".
/// </summary>
/// <param name="Start">First address.</param>
/// <param name="End">One past the last address.</param>
/// <param name="Permissions">"r-xp": read, write, execute, then p (private, copy-on-write) or s (shared).</param>
/// <param name="Offset">Offset in the file of the first page.</param>
/// <param name="Device">major:minor of the file's device ("00:00" for anonymous memory).</param>
/// <param name="Inode">The file's inode (0 for anonymous memory).</param>
/// <param name="Path">The file, a pseudo-name ([heap], [stack], [vdso] ...), or "" for anonymous memory.</param>
public sealed record MapsEntry(VirtualAddress Start, VirtualAddress End, string Permissions, ulong Offset, string Device, long Inode, string Path)
{
    /// <summary>Size in bytes.</summary>
    public ulong Size => End.Value - Start.Value;
    /// <summary>Readable.</summary>
    public bool Readable => Permissions[0] == 'r';
    /// <summary>Writable.</summary>
    public bool Writable => Permissions[1] == 'w';
    /// <summary>Executable.</summary>
    public bool Executable => Permissions[2] == 'x';
    /// <summary>Private (copy-on-write after fork) rather than shared.</summary>
    public bool Private => Permissions[3] == 'p';
    /// <summary>Backed by a file (not anonymous, not a pseudo-name).</summary>
    public bool IsFile => Path.StartsWith('/');

    /// <summary>
    /// The simulator's segment kind closest to this mapping: executable file pages are Code, other file pages and
    /// the anonymous .bss right after them Data, [heap] Heap, [stack] Stack, other anonymous memory Mmap;
    /// null for the kernel's special mappings ([vdso], [vvar], [vsyscall]) and read-only file data.
    /// </summary>
    public SegmentKind? Kind { get; init; }

    /// <summary>The line as /proc prints it (without column padding).</summary>
    public override string ToString() =>
        $"{Start.Value:x8}-{End.Value:x8} {Permissions} {Offset:x8} {Device} {Inode} {Path}".TrimEnd();
}

/// <summary>Reads /proc/PID/maps text (as in datasets/maps) into entries, so a real process image can be shown next to the simulator's.</summary>
public static class ProcMaps
{
    /// <summary>Parses maps text; a malformed line gives an error naming it (never an exception).</summary>
    public static (IReadOnlyList<MapsEntry>? Entries, StraceError? Error) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<MapsEntry>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            string[] range = fields.Length > 0 ? fields[0].Split('-') : [];
            if (fields.Length < 5 || range.Length != 2
                || !ulong.TryParse(range[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong start)
                || !ulong.TryParse(range[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong end) || end < start
                || fields[1].Length != 4
                || !ulong.TryParse(fields[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong offset)
                || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
                return (null, new StraceError(i + 1, line, "a maps line 'START-END PERMS OFFSET MAJ:MIN INODE [PATH]' with hex addresses"));
            string path = fields.Length > 5 ? fields[5].Trim() : "";
            var entry = new MapsEntry(new VirtualAddress(start), new VirtualAddress(end), fields[1], offset, fields[3], inode, path);
            entries.Add(entry with { Kind = Classify(entry, entries.Count > 0 ? entries[^1] : null) });
        }
        return (entries, null);
    }

    private static SegmentKind? Classify(MapsEntry e, MapsEntry? previous) => e.Path switch
    {
        "[heap]" => SegmentKind.Heap,
        "[stack]" => SegmentKind.Stack,
        _ when e.Path.StartsWith('[') => null,
        _ when e.IsFile && e.Executable => SegmentKind.Code,
        _ when e.IsFile && e.Writable => SegmentKind.Data,
        _ when e.IsFile => null,                                  // read-only data (.rodata, relro)
        // anonymous, right after a program's writable data: its .bss
        _ when previous is { IsFile: true, Writable: true } && previous.End == e.Start => SegmentKind.Data,
        _ => SegmentKind.Mmap,
    };
}
