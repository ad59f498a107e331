namespace CourseKit.Views;

/// <summary>
/// How a virtual page is backed, as the views colour it. One state per page; a run is a stretch of
/// consecutive pages in the same state (views draw runs, never single pages, so size grows with runs).
/// </summary>
public enum PageState
{
    /// <summary>Mapped to a frame only this process maps (map count 1): Private_* in smaps.</summary>
    Private,
    /// <summary>Shared with another process after fork, read-only until a write copies it (copy-on-write).</summary>
    SharedCopyOnWrite,
    /// <summary>Shared because the processes share one address space (CLONE_VM: threads, vfork).</summary>
    SharedVm,
    /// <summary>Read-only code shared for good: nobody writes it, so it is never copied.</summary>
    SharedCode,
    /// <summary>Inside a segment but not in memory yet (demand paging): no frame.</summary>
    NotPresent,
}

/// <summary>
/// Colours and second cues (pattern and letter) for each state, shared by the HTML views and the charts so
/// the same state looks the same everywhere. Okabe-Ito colours: distinguishable with colour-vision deficiency,
/// and readable on light and dark backgrounds.
/// </summary>
public static class Palette
{
    /// <summary>Colour (hex) of a page state.</summary>
    public static string Colour(PageState state) => state switch
    {
        PageState.Private => "#0072B2",
        PageState.SharedCopyOnWrite => "#E69F00",
        PageState.SharedVm => "#009E73",
        PageState.SharedCode => "#CC79A7",
        PageState.NotPresent => "#999999",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown page state."),
    };

    /// <summary>The one-letter label drawn on a run (the cue that survives grey-scale printing).</summary>
    public static string Letter(PageState state) => state switch
    {
        PageState.Private => "P",
        PageState.SharedCopyOnWrite => "C",
        PageState.SharedVm => "V",
        PageState.SharedCode => "R",
        PageState.NotPresent => "-",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown page state."),
    };

    /// <summary>Legend text of a state.</summary>
    public static string Label(PageState state) => state switch
    {
        PageState.Private => "private",
        PageState.SharedCopyOnWrite => "shared copy-on-write",
        PageState.SharedVm => "shared address space (CLONE_VM)",
        PageState.SharedCode => "read-only code, shared",
        PageState.NotPresent => "not present",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown page state."),
    };

    /// <summary>CSS class of a state (the class carries colour and pattern).</summary>
    public static string CssClass(PageState state) => "ck-s-" + state switch
    {
        PageState.Private => "private",
        PageState.SharedCopyOnWrite => "cow",
        PageState.SharedVm => "vm",
        PageState.SharedCode => "code",
        PageState.NotPresent => "absent",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown page state."),
    };

    /// <summary>Process states (running, runnable, blocked, zombie) in charts and trees.</summary>
    public const string Running = "#0072B2";
    /// <summary>Waiting (blocked in wait, vfork, sleep).</summary>
    public const string Waiting = "#E69F00";
    /// <summary>Zombie: exited, not reaped.</summary>
    public const string Zombie = "#D55E00";
    /// <summary>Free frames.</summary>
    public const string Free = "#BBBBBB";

    /// <summary>Fault kinds, in charts.</summary>
    public const string DemandZero = "#56B4E9";
    /// <summary>Copy-on-write copy.</summary>
    public const string CowCopy = "#E69F00";
    /// <summary>Copy-on-write reuse (last owner: no copy).</summary>
    public const string CowReuse = "#009E73";
    /// <summary>Protection fault (SIGSEGV).</summary>
    public const string Protection = "#D55E00";
}
