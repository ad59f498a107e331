using CourseKit.Kernel;
using CourseKit.Memory;
using CourseKit.Tracing;

namespace CourseKit.Views;

/// <summary>
/// The views a lesson asks for by name. Snapshots already draw themselves when a cell ends with one; these
/// give the other angles: <c>Show.SideBySide(snap, parent, child)</c>, <c>Show.Frames(snap)</c>,
/// <c>Show.Smaps(snap[pid])</c>, <c>Show.Tree(snap, m.Events)</c>, <c>Show.Events(m.Events.Since(t))</c>.
/// </summary>
public static class Show
{
    /// <summary>Page size assumed when a process snapshot is drawn without its machine (MachineOptions' default).</summary>
    public const int DefaultPageSize = 4096;

    /// <summary>The process image: segments top (high addresses) to bottom, runs of pages coloured by state,
    /// program counters on the code, and <paramref name="highlight"/> addresses marked.</summary>
    public static View Image(ProcessSnapshot process, int pageSize = DefaultPageSize, params VirtualAddress[] highlight)
    {
        ArgumentNullException.ThrowIfNull(process);
        var diagram = Adapt.Process(process, pageSize);
        var marks = highlight.Select(a => a.Value).ToArray();
        return new View("process image", ProcessImageView.Html(diagram, marks), () => ProcessImageView.Text(diagram, marks));
    }

    /// <summary>The process image of <paramref name="pid"/> in a machine snapshot.</summary>
    public static View Image(MachineSnapshot machine, Pid pid, params VirtualAddress[] highlight) =>
        Image(Find(machine, pid), machine.PageSize, highlight);

    /// <summary>Processes side by side with the frames their pages map and each frame's map count.</summary>
    public static View SideBySide(MachineSnapshot machine, params Pid[] pids)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var chosen = pids.Length > 0 ? pids.Select(p => Find(machine, p)).ToArray()
            : machine.Processes.Where(p => p.Memory is not null && p.Pid != Pid.Init).OrderBy(p => p.Pid.Value).Take(4).ToArray();
        if (chosen.Length == 0) throw new ArgumentException("No process with memory to draw.", nameof(pids));
        var diagrams = chosen.Select(p => Adapt.Process(p, machine.PageSize)).ToArray();
        return new View("side by side", SideBySideView.Html(diagrams), SideBySideView.Text(diagrams));
    }

    /// <summary>Processes side by side (page size <see cref="DefaultPageSize"/>).</summary>
    public static View SideBySide(params ProcessSnapshot[] processes)
    {
        if (processes is null || processes.Length == 0) throw new ArgumentException("Give at least one process snapshot.", nameof(processes));
        var diagrams = processes.Select(p => Adapt.Process(p, DefaultPageSize)).ToArray();
        return new View("side by side", SideBySideView.Html(diagrams), SideBySideView.Text(diagrams));
    }

    /// <summary>Physical memory: runs of frames with map counts and the PIDs that map them, free frames included.</summary>
    public static View Frames(MachineSnapshot machine)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var runs = Adapt.Frames(machine.Frames, machine.Processes);
        return new View("physical memory", FrameTableView.Html(runs, machine.Frames.Total, machine.Frames.PageSize),
            FrameTableView.Text(runs, machine.Frames.Total, machine.Frames.PageSize));
    }

    /// <summary>The process tree; with the event log, orphans show who their parent was before reparenting.</summary>
    public static View Tree(MachineSnapshot machine, IEnumerable<KernelEvent>? events = null)
    {
        ArgumentNullException.ThrowIfNull(machine);
        var rows = Adapt.Tree(machine, events);
        return new View("process tree", ProcessTreeView.Html(rows), ProcessTreeView.Text(rows));
    }

    /// <summary>smaps per segment (kB, as Linux prints them) and the process's page-fault counters.</summary>
    public static View Smaps(ProcessSnapshot process)
    {
        ArgumentNullException.ThrowIfNull(process);
        var rows = process.Memory is { } m ? Adapt.SmapsRows(m) : [];
        var total = Adapt.Row("total", process.Smaps);
        var faults = Adapt.Faults(process.Faults);
        return new View("smaps", SmapsView.Html(process.Pid.Value, Adapt.Command(process), rows, total, faults),
            SmapsView.Text(process.Pid.Value, Adapt.Command(process), rows, total, faults));
    }

    /// <summary>The event log (the latest <see cref="EventLogView.RowBudget"/> events).</summary>
    public static View Events(IEnumerable<KernelEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var rows = events.Select(Adapt.Event).ToArray();
        return new View("event log", EventLogView.Html(rows), EventLogView.Text(rows));
    }

    private static ProcessSnapshot Find(MachineSnapshot machine, Pid pid) =>
        machine[pid] ?? throw new ArgumentException($"There is no process {pid.Value} in the snapshot taken at time {machine.Time}.", nameof(pid));
}
