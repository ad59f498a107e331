namespace CourseKit.Views;

/// <summary>A slot of a collapsed list: one item shown as is, or a stretch of items shown as one summary row.</summary>
internal readonly record struct Slot(int Index, int Count)
{
    public bool IsCollapsed => Count > 1;
}

/// <summary>
/// Keeps a view's size bounded by the number of rows it shows, not by the data: beyond a budget, the first and
/// last rows and the interesting ones (a program counter, a page the lesson points at) are kept and every
/// stretch in between becomes one summary row. A million alternating pages draw as a few dozen rows.
/// </summary>
internal static class Collapse
{
    /// <summary>Plans which of <paramref name="count"/> rows to show within about <paramref name="budget"/> rows.</summary>
    public static IReadOnlyList<Slot> Plan(int count, int budget, Func<int, bool>? interesting = null)
    {
        if (budget < 4) throw new ArgumentOutOfRangeException(nameof(budget), budget, "A budget below 4 rows leaves nothing to show.");
        if (count <= budget) return Enumerable.Range(0, count).Select(i => new Slot(i, 1)).ToArray();

        var keep = new SortedSet<int>();
        var edge = budget / 4;
        for (var i = 0; i < edge; i++) { keep.Add(i); keep.Add(count - 1 - i); }
        if (interesting is not null)
        {
            var room = budget - keep.Count;
            for (var i = edge; i < count - edge && room > 0; i++)
                if (interesting(i) && keep.Add(i)) room--;
        }

        var slots = new List<Slot>();
        var next = 0;
        foreach (var index in keep)
        {
            if (index > next) slots.Add(new Slot(next, index - next));
            slots.Add(new Slot(index, 1));
            next = index + 1;
        }
        if (next < count) slots.Add(new Slot(next, count - next));
        // A one-item "stretch" is just the item: Slot(i, 1) already says so.
        return slots;
    }
}

/// <summary>Number and size formatting shared by the views (invariant culture: outputs must not depend on the machine).</summary>
internal static class Fmt
{
    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>"0x7ffd_e000": hex with '_' every 4 digits, as the course writes addresses.</summary>
    public static string Address(ulong value)
    {
        var hex = value.ToString("x", Inv);
        if (hex.Length <= 4) return "0x" + hex;
        var sb = new System.Text.StringBuilder("0x");
        var first = hex.Length % 4;
        if (first > 0) sb.Append(hex, 0, first);
        for (var i = first; i < hex.Length; i += 4)
        {
            if (sb.Length > 2) sb.Append('_');
            sb.Append(hex, i, 4);
        }
        return sb.ToString();
    }

    public static string Count(long n, string one, string many) => n.ToString("N0", Inv) + " " + (n == 1 ? one : many);

    public static string Number(long n) => n.ToString("N0", Inv);

    public static string Pages(ulong n) => Count((long)n, "page", "pages");

    /// <summary>"48 KiB", "1 GiB", "127 TiB".</summary>
    public static string Bytes(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        var value = (double)bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1) { value /= 1024; unit++; }
        return (value >= 100 || value == Math.Floor(value) ? value.ToString("0", Inv) : value.ToString("0.#", Inv)) + " " + units[unit];
    }

    public static string Frames(long? first, ulong pages) =>
        first is not { } f ? "no frame" : pages == 1 ? $"frame {f}" : $"frames {f}–{f + (long)pages - 1}";
}
