using CourseKit.Kernel;
using CourseKit.Tracing;

namespace CourseKit.Charts;

/// <summary>Turns a log into per-process intervals of running, waiting and zombie time (for the timeline).</summary>
internal static class Gantt
{
    public const string Running = "running / runnable";
    public const string Waiting = "waiting (blocked)";
    public const string Zombie = "zombie (exited, not reaped)";

    public static string Colour(string state) => state switch
    {
        Running => Views.Palette.Running,
        Waiting => Views.Palette.Waiting,
        _ => Views.Palette.Zombie,
    };

    /// <summary>An interval of one process in one state; <see cref="Process"/> is "pid N command".</summary>
    public sealed record Bar(string Process, int Pid, string State, long Start, long End);

    public static IReadOnlyList<Bar> Intervals(IReadOnlyList<KernelEvent> events)
    {
        var end = events.Count == 0 ? 0 : events[^1].Time + 1;
        var names = new Dictionary<int, string>();
        var open = new Dictionary<int, (string State, long Since)>();
        var order = new List<int>();
        var bars = new List<Bar>();
        string Name(int pid) => names.TryGetValue(pid, out var n) ? $"pid {pid} {n}" : $"pid {pid}";
        void Switch(int pid, string? state, long time)
        {
            if (open.TryGetValue(pid, out var current))
            {
                if (current.State == state) return;
                if (time > current.Since) bars.Add(new Bar("", pid, current.State, current.Since, time));
                open.Remove(pid);
            }
            if (state is not null) open[pid] = (state, time);
            if (!order.Contains(pid)) order.Add(pid);
        }
        foreach (var e in events)
        {
            switch (e)
            {
                case ProcessCreated c when !c.IsThread:
                    names.TryAdd(c.Child.Value, names.GetValueOrDefault(c.Parent.Value, ""));
                    Switch(c.Child.Value, Running, c.Time);
                    break;
                case ProcessExeced x:
                    names[x.Pid.Value] = Path.GetFileName(x.Path);
                    break;
                case ThreadStateChanged t when open.ContainsKey(t.Pid.Value) && open[t.Pid.Value].State != Zombie:
                    // main threads only: a thread's TID equals its process's PID only for the leader
                    if (t.To == SimThreadState.Blocked) Switch(t.Pid.Value, Waiting, t.Time);
                    else if (t.To is SimThreadState.Runnable or SimThreadState.Running) Switch(t.Pid.Value, Running, t.Time);
                    break;
                case ProcessExited x:
                    Switch(x.Pid.Value, Zombie, x.Time);
                    break;
                case ProcessReaped r:
                    Switch(r.Pid.Value, null, r.Time);
                    break;
            }
        }
        foreach (var (pid, (state, since)) in open.ToArray()) if (end > since) bars.Add(new Bar("", pid, state, since, end));
        return bars.Select(b => b with { Process = Name(b.Pid) })
            .OrderBy(b => order.IndexOf(b.Pid)).ThenBy(b => b.Start).ToArray();
    }
}
