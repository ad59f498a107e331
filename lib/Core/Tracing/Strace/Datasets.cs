using System.Globalization;

namespace CourseKit.Tracing.Strace;

/// <summary>
/// Where a dataset came from: the "key: value" lines of its provenance.txt (kernel, command line,
/// transparent huge pages, zero page, page size, CPU, date), written by datasets/capture/capture.sh.
/// </summary>
/// <param name="Values">Every key and value, in file order.</param>
public sealed record DatasetProvenance(IReadOnlyList<KeyValuePair<string, string>> Values)
{
    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public string? this[string key] => Values.FirstOrDefault(kv => kv.Key == key).Value;

    /// <summary>uname -r of the machine.</summary>
    public string Kernel => this["kernel"] ?? "unknown";
    /// <summary>The transparent huge page setting, e.g. "always [madvise] never".</summary>
    public string TransparentHugePages => this["transparent_hugepage"] ?? "unknown";
    /// <summary>Page size in bytes.</summary>
    public int PageSize => int.TryParse(this["page_size"], CultureInfo.InvariantCulture, out int p) ? p : 4096;
    /// <summary>The zero-page line: what the command line says and what a probe measured.</summary>
    public string ZeroPage => this["zero_page"] ?? "unknown";
    /// <summary>True when the kernel command line carried pvm_no_zero_page=1.</summary>
    public bool ZeroPageDisabledOnCommandLine => (this["cmdline"] ?? "").Split(' ').Contains("pvm_no_zero_page=1");
    /// <summary>UTC date of the capture.</summary>
    public string Captured => this["captured"] ?? "unknown";

    /// <summary>One line: "Linux 6.18.44 (AMD EPYC), 4096-byte pages, THP always [madvise] never, captured ...".</summary>
    public override string ToString() =>
        $"Linux {Kernel} ({this["cpu_model"] ?? "unknown CPU"}), {PageSize}-byte pages, THP {TransparentHugePages}, captured {Captured}";

    /// <summary>Reads provenance.txt text ("#" lines are comments; lines without ": " are ignored).</summary>
    public static DatasetProvenance Parse(string text)
    {
        var values = new List<KeyValuePair<string, string>>();
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith('#')) continue;
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0) values.Add(new(line[..colon].Trim(), line[(colon + 2)..].TrimEnd('\r')));
        }
        return new DatasetProvenance(values);
    }
}

/// <summary>
/// One row of datasets/cow/cow.csv: the smaps numbers of the region for one process at one step of the
/// copy-on-write scenario, and the minor faults that process took writing during that step.
/// </summary>
/// <param name="Pages">Region size in pages.</param>
/// <param name="Percent">Share of the pages the child writes.</param>
/// <param name="Order">"alive": the parent writes while the child lives; "exited": after the child was reaped.</param>
/// <param name="Step">touched, forked, child_wrote, child_rewrote, parent_wrote, child_reaped, parent_rewrote.</param>
/// <param name="Process">"parent" or "child".</param>
/// <param name="PagesWritten">Pages this process wrote in this step.</param>
/// <param name="MinorFaults">Minor faults taken by those writes; null when the process did not write in this step.</param>
/// <param name="RssKb">Rss in kB.</param>
/// <param name="PssKb">Pss in kB.</param>
/// <param name="SharedCleanKb">Shared_Clean in kB.</param>
/// <param name="SharedDirtyKb">Shared_Dirty in kB.</param>
/// <param name="PrivateCleanKb">Private_Clean in kB.</param>
/// <param name="PrivateDirtyKb">Private_Dirty in kB.</param>
/// <param name="AnonHugeKb">AnonHugePages in kB (0: no transparent huge page was used).</param>
public sealed record CowMeasurement(int Pages, int Percent, string Order, string Step, string Process, int PagesWritten,
    long? MinorFaults, long RssKb, long PssKb, long SharedCleanKb, long SharedDirtyKb, long PrivateCleanKb, long PrivateDirtyKb, long AnonHugeKb);

/// <summary>One timing of datasets/creation-cost/samples.csv (microseconds).</summary>
/// <param name="Round">Round number (sizes are visited in a rotated order each round).</param>
/// <param name="SizeMiB">Resident anonymous memory of the parent.</param>
/// <param name="Method">fork, vfork, clone_vm_vfork or posix_spawn.</param>
/// <param name="Exec">"none" (the child _exits at once) or the program the child execs.</param>
/// <param name="ReturnMicroseconds">Until the call returned in the parent.</param>
/// <param name="ReapedMicroseconds">Until waitpid reaped the child.</param>
public sealed record CreationCostSample(int Round, int SizeMiB, string Method, string Exec, double ReturnMicroseconds, double ReapedMicroseconds);

/// <summary>A row of datasets/creation-cost/summary.csv: minimum and median over the samples.</summary>
/// <param name="SizeMiB">Resident anonymous memory of the parent.</param>
/// <param name="Method">fork, vfork, clone_vm_vfork or posix_spawn.</param>
/// <param name="Exec">"none" or the program the child execs.</param>
/// <param name="Samples">How many timings.</param>
/// <param name="MinReturn">Minimum time until the call returned (µs).</param>
/// <param name="MedianReturn">Median time until the call returned (µs).</param>
/// <param name="MinReaped">Minimum time until the child was reaped (µs).</param>
/// <param name="MedianReaped">Median time until the child was reaped (µs).</param>
public sealed record CreationCostSummary(int SizeMiB, string Method, string Exec, int Samples,
    double MinReturn, double MedianReturn, double MinReaped, double MedianReaped);

/// <summary>A row of datasets/process-facts/statuses.csv: what waitpid reported for one way a child ended.</summary>
/// <param name="Scenario">exit_3, killed_SIGTERM, exec_failed_127, wnohang_child_running, wait_no_children ...</param>
/// <param name="Result">"child" (waitpid returned the child's pid), or the number it returned (0, -1).</param>
/// <param name="ErrnoName">The errno name when waitpid failed ("ECHILD"), else null.</param>
/// <param name="Status">The raw status word, or null when waitpid returned no child.</param>
public sealed record WaitStatusMeasurement(string Scenario, string Result, string? ErrnoName, int? Status);

/// <summary>A row of datasets/process-facts/reparent.csv: who a process's parent was before and after its parent (X) exited.</summary>
/// <param name="Scenario">"orphan" (no subreaper) or "subreaper" (the probe set PR_SET_CHILD_SUBREAPER).</param>
/// <param name="Process">"C" (X's child, orphaned) or "G" (C's child).</param>
/// <param name="ParentBefore">Role of the parent before: X or C.</param>
/// <param name="ParentAfter">Role after: init, top (the probe), C, or other (an ancestor that is a subreaper).</param>
/// <param name="ParentAfterCommand">/proc/PID/comm of the new parent.</param>
public sealed record ReparentMeasurement(string Scenario, string Process, string ParentBefore, string ParentAfter, string ParentAfterCommand);

/// <summary>A dataset: its rows and where they came from.</summary>
/// <typeparam name="T">Row type.</typeparam>
/// <param name="Rows">The data.</param>
/// <param name="Provenance">The machine and date it was captured on.</param>
/// <param name="Folder">The folder it was read from.</param>
public sealed record Dataset<T>(IReadOnlyList<T> Rows, DatasetProvenance Provenance, string Folder);

/// <summary>The two /proc/PID/maps texts of datasets/maps (the static one is null when no static libc was available).</summary>
/// <param name="Static">Map of the gcc -static build.</param>
/// <param name="Dynamic">Map of the dynamically linked build.</param>
/// <param name="Provenance">Where they came from.</param>
public sealed record MapsDataset(string? Static, string Dynamic, DatasetProvenance Provenance);

/// <summary>Reads the dataset files (format: datasets/README.md). The files are ours, so a bad one is a bug: it throws.</summary>
public static class DatasetReader
{
    /// <summary>datasets/cow/cow.csv.</summary>
    public static Dataset<CowMeasurement> Cow(string datasets) => Read(datasets, "cow", "cow.csv", 14, f => new CowMeasurement(
        Int(f[0]), Int(f[1]), f[2], f[3], f[4], Int(f[5]), f[6].Length == 0 ? null : Long(f[6]),
        Long(f[7]), Long(f[8]), Long(f[9]), Long(f[10]), Long(f[11]), Long(f[12]), Long(f[13])));

    /// <summary>datasets/creation-cost/samples.csv.</summary>
    public static Dataset<CreationCostSample> CreationCostSamples(string datasets) => Read(datasets, "creation-cost", "samples.csv", 6,
        f => new CreationCostSample(Int(f[0]), Int(f[1]), f[2], f[3], Double(f[4]), Double(f[5])));

    /// <summary>datasets/creation-cost/summary.csv.</summary>
    public static Dataset<CreationCostSummary> CreationCostSummary(string datasets) => Read(datasets, "creation-cost", "summary.csv", 8,
        f => new CreationCostSummary(Int(f[0]), f[1], f[2], Int(f[3]), Double(f[4]), Double(f[5]), Double(f[6]), Double(f[7])));

    /// <summary>datasets/process-facts/statuses.csv.</summary>
    public static Dataset<WaitStatusMeasurement> WaitStatuses(string datasets) => Read(datasets, "process-facts", "statuses.csv", 9,
        f => new WaitStatusMeasurement(f[0], f[1], f[2].Length == 0 ? null : f[2],
            f[3].Length == 0 ? null : int.Parse(f[3].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)));

    /// <summary>datasets/process-facts/reparent.csv.</summary>
    public static Dataset<ReparentMeasurement> Reparenting(string datasets) => Read(datasets, "process-facts", "reparent.csv", 5,
        f => new ReparentMeasurement(f[0], f[1], f[2], f[3], f[4]));

    /// <summary>datasets/maps.</summary>
    public static MapsDataset Maps(string datasets)
    {
        string dir = Path.Combine(datasets, "maps");
        string staticPath = Path.Combine(dir, "static.maps");
        return new MapsDataset(File.Exists(staticPath) ? File.ReadAllText(staticPath) : null,
            File.ReadAllText(Path.Combine(dir, "dynamic.maps")), ReadProvenance(dir));
    }

    /// <summary>The provenance.txt of a dataset folder.</summary>
    public static DatasetProvenance ReadProvenance(string folder) =>
        DatasetProvenance.Parse(File.ReadAllText(Path.Combine(folder, "provenance.txt")));

    private static Dataset<T> Read<T>(string datasets, string folder, string file, int columns, Func<string[], T> row)
    {
        string dir = Path.Combine(datasets, folder), path = Path.Combine(dir, file);
        var lines = File.ReadAllLines(path);
        var rows = new List<T>(lines.Length);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var fields = lines[i].Split(',');
            if (fields.Length != columns)
                throw new InvalidDataException($"{path}:{i + 1}: expected {columns} comma-separated fields, got {fields.Length}");
            try { rows.Add(row(fields)); }
            catch (FormatException e) { throw new InvalidDataException($"{path}:{i + 1}: {e.Message}", e); }
        }
        return new Dataset<T>(rows, ReadProvenance(dir), dir);
    }

    private static int Int(string s) => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    private static long Long(string s) => long.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    private static double Double(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
