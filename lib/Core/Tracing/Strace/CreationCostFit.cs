namespace CourseKit.Tracing.Strace;

/// <summary>
/// A straight line fitted through creation times against resident size: the shape the lesson shows
/// (fork's cost grows with the memory it must map again, vfork's does not).
/// </summary>
/// <param name="Method">fork, vfork, clone_vm_vfork or posix_spawn.</param>
/// <param name="Exec">"none" or the program the child execs.</param>
/// <param name="InterceptMicroseconds">The fitted cost at 0 MiB.</param>
/// <param name="MicrosecondsPerMiB">The fitted slope.</param>
/// <param name="RSquared">How well a line explains the points (1 = perfectly).</param>
public sealed record CreationCostFit(string Method, string Exec, double InterceptMicroseconds, double MicrosecondsPerMiB, double RSquared)
{
    /// <summary>Nanoseconds per 4 KiB page (the per-page-table-entry cost).</summary>
    public double NanosecondsPerPage => MicrosecondsPerMiB * 1000 / 256;

    /// <summary>Least-squares line through (size, minimum time until the call returned) of one method.</summary>
    /// <param name="rows">Summary rows (any methods; the others are ignored).</param>
    /// <param name="method">The method to fit.</param>
    /// <param name="exec">"none" or "/bin/true".</param>
    /// <param name="reaped">Fit the time until the child was reaped instead of the time until the call returned.</param>
    public static CreationCostFit Of(IEnumerable<CreationCostSummary> rows, string method, string exec = "none", bool reaped = false)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var points = rows.Where(r => r.Method == method && r.Exec == exec)
            .Select(r => (X: (double)r.SizeMiB, Y: reaped ? r.MinReaped : r.MinReturn)).ToList();
        if (points.Select(p => p.X).Distinct().Count() < 2)
            throw new ArgumentException($"need at least two sizes for {method} with exec {exec}, found {points.Count} rows", nameof(rows));
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxy = points.Sum(p => (p.X - mx) * (p.Y - my)), sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        double slope = sxy / sxx, intercept = my - slope * mx;
        double ssTot = points.Sum(p => (p.Y - my) * (p.Y - my));
        double ssRes = points.Sum(p => Math.Pow(p.Y - (intercept + slope * p.X), 2));
        return new CreationCostFit(method, exec, intercept, slope, ssTot == 0 ? 1 : 1 - ssRes / ssTot);
    }

    /// <summary>"fork: 86 µs + 13.2 µs/MiB (52 ns per page), R² 0.999".</summary>
    public override string ToString() =>
        $"{Method}{(Exec == "none" ? "" : $"+exec {Exec}")}: {InterceptMicroseconds:0} µs + {MicrosecondsPerMiB:0.00} µs/MiB ({NanosecondsPerPage:0.0} ns per page), R² {RSquared:0.000}";
}
