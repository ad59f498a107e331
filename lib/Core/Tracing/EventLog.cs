using System.Collections;
using CourseKit.Kernel;

namespace CourseKit.Tracing;

/// <summary>
/// The append-only record of everything a machine did, in order. Lessons query it ("which faults did the
/// child take?"), views and charts fold it, and the strace importer fills one from a real trace.
/// </summary>
[CourseKit.Display.TypeFormatterSource(typeof(CourseKit.Display.DisplaySource), PreferredMimeTypes = new[] { "text/html", "text/plain" })]
public sealed class EventLog : IReadOnlyList<KernelEvent>
{
    private readonly List<KernelEvent> _events = [];

    /// <summary>An empty log (the machine's own, or one the strace importer fills).</summary>
    public EventLog() { }

    /// <summary>A log holding <paramref name="events"/> in order (used by importers).</summary>
    public EventLog(IEnumerable<KernelEvent> events) => _events.AddRange(events);

    /// <summary>Adds an event at the end. Times must not go backwards.</summary>
    internal void Append(KernelEvent e)
    {
        if (_events.Count > 0 && e.Time < _events[^1].Time)
            throw new KernelBugException($"event at time {e.Time} after time {_events[^1].Time}");
        _events.Add(e);
    }

    /// <summary>Number of events.</summary>
    public int Count => _events.Count;

    /// <summary>The event at position <paramref name="index"/> (0 = first).</summary>
    public KernelEvent this[int index] => _events[index];

    /// <summary>Events of one type, in order.</summary>
    public IEnumerable<T> OfType<T>() where T : KernelEvent => _events.OfType<T>();

    /// <summary>Events at or after logical time <paramref name="time"/>.</summary>
    public IEnumerable<KernelEvent> Since(long time)
    {
        int lo = 0, hi = _events.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (_events[mid].Time < time) lo = mid + 1; else hi = mid;
        }
        for (int i = lo; i < _events.Count; i++) yield return _events[i];
    }

    /// <summary>Events about one task.</summary>
    public IEnumerable<KernelEvent> ForPid(Pid pid) => _events.Where(e => e.Pid == pid);

    /// <summary>The system-call events as strace-like lines.</summary>
    public IEnumerable<string> StraceLines() => OfType<SyscallEvent>().Select(e => e.ToString());

    /// <inheritdoc/>
    public IEnumerator<KernelEvent> GetEnumerator() => _events.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
