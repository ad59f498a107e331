using System.Diagnostics;

namespace CourseKit.Tracing.Strace;

/// <summary>A value measured now on this machine (<see cref="Live"/>) or read from the shipped datasets, with a note saying which and why.</summary>
/// <typeparam name="T">The data.</typeparam>
/// <param name="Value">The data.</param>
/// <param name="Live">True when it was captured just now on this machine.</param>
/// <param name="Note">One sentence for the student: where the data comes from.</param>
public sealed record LiveOrShipped<T>(T Value, bool Live, string Note)
{
    /// <inheritdoc/>
    public override string ToString() => Note;
}

/// <summary>
/// The real Linux kernel, as data: the datasets shipped in datasets/ (captured by datasets/capture/capture.sh),
/// and, when gcc and strace exist on this machine, fresh captures from it. Lessons call this to put the
/// simulator next to the real thing.
/// </summary>
public static class RealKernel
{
    /// <summary>
    /// The datasets folder. Found (once) from the COURSEKIT_DATASETS environment variable, else by walking up
    /// from the working directory and from this assembly's folder to a "datasets" folder with a README.md.
    /// Lessons may set it explicitly.
    /// </summary>
    public static string DatasetsFolder
    {
        get => datasetsFolder ??= Find();
        set => datasetsFolder = value;
    }
    private static string? datasetsFolder;

    /// <summary>The copy-on-write dataset (smaps and faults per step).</summary>
    public static Dataset<CowMeasurement> Cow() => DatasetReader.Cow(DatasetsFolder);

    /// <summary>The creation-cost summary (min and median per size, method, exec).</summary>
    public static Dataset<CreationCostSummary> CreationCost() => DatasetReader.CreationCostSummary(DatasetsFolder);

    /// <summary>Every creation-cost timing.</summary>
    public static Dataset<CreationCostSample> CreationCostSamples() => DatasetReader.CreationCostSamples(DatasetsFolder);

    /// <summary>Wait statuses of the ways a child ends (exit codes, signals, failed exec, WNOHANG, ECHILD).</summary>
    public static Dataset<WaitStatusMeasurement> WaitStatuses() => DatasetReader.WaitStatuses(DatasetsFolder);

    /// <summary>Who adopts an orphan (init or a subreaper), and that grandchildren keep their living parent.</summary>
    public static Dataset<ReparentMeasurement> Reparenting() => DatasetReader.Reparenting(DatasetsFolder);

    /// <summary>/proc/PID/maps of a static and a dynamic program.</summary>
    public static MapsDataset Maps() => DatasetReader.Maps(DatasetsFolder);

    /// <summary>The names of the shipped traces ("pipeline", "threads", ...).</summary>
    public static IReadOnlyList<string> TraceNames() =>
        Directory.GetFiles(Path.Combine(DatasetsFolder, "strace"), "*.trace")
            .Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal).ToList();

    /// <summary>A shipped trace by name ("pipeline" or "pipeline.trace"); throws for a malformed file (ours: a bug).</summary>
    public static StraceTrace Trace(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string file = name.EndsWith(".trace", StringComparison.Ordinal) ? name : name + ".trace";
        string path = Path.Combine(DatasetsFolder, "strace", file);
        if (!File.Exists(path))
            throw new FileNotFoundException($"no shipped trace '{name}'; there are: {string.Join(", ", TraceNames())}", path);
        return StraceTrace.Load(path).ValueOrThrow();
    }

    /// <summary>True when this machine can run the probes (Linux with bash and gcc; strace too when <paramref name="needStrace"/>).</summary>
    public static bool CanCapture(bool needStrace, out string reason) =>
        CanRun(needStrace ? ["bash", "gcc", "strace"] : ["bash", "gcc"], out reason);

    private static bool CanRun(string[] tools, out string reason)
    {
        if (!OperatingSystem.IsLinux()) { reason = "this is not Linux"; return false; }
        foreach (string tool in tools)
            if (FindOnPath(tool) is null) { reason = $"{tool} is not installed"; return false; }
        reason = "";
        return true;
    }

    /// <summary>
    /// The copy-on-write dataset measured now on this machine (about a second), or the shipped one when
    /// gcc is missing or the probe fails.
    /// </summary>
    public static LiveOrShipped<Dataset<CowMeasurement>> CaptureOrLoadCow() =>
        CaptureOrLoad("cow", needStrace: false, DatasetReader.Cow, () => Cow());

    /// <summary>The creation-cost summary measured now (quick mode: fewer sizes and runs, a few seconds), or the shipped one.</summary>
    public static LiveOrShipped<Dataset<CreationCostSummary>> CaptureOrLoadCreationCost() =>
        CaptureOrLoad("creation-cost", needStrace: false, DatasetReader.CreationCostSummary, () => CreationCost());

    /// <summary>
    /// Traces <paramref name="shellCommand"/> with <c>strace -f -ttt -e trace=process</c> on this machine
    /// (bash -c COMMAND, at most 30 s), or falls back to the shipped trace <paramref name="fallback"/>.
    /// </summary>
    public static LiveOrShipped<StraceTrace> TraceOrLoad(string shellCommand, string fallback = "pipeline")
    {
        ArgumentNullException.ThrowIfNull(shellCommand);
        if (!CanRun(["bash", "strace"], out string reason))
            return Shipped(Trace(fallback), $"shipped trace '{fallback}' ({reason})");
        string file = Path.Combine(Path.GetTempPath(), $"coursekit-{Guid.NewGuid():N}.trace");
        try
        {
            var (ok, error) = Run("strace", ["-f", "-ttt", "-e", "trace=process", "-o", file, "bash", "-c", shellCommand], TimeSpan.FromSeconds(30));
            if (!ok || !File.Exists(file)) return Shipped(Trace(fallback), $"shipped trace '{fallback}' (strace failed: {error})");
            var parsed = StraceTrace.Load(file);
            return parsed.IsOk
                ? new(parsed.Trace!, true, $"traced just now on this machine: strace -f -ttt -e trace=process bash -c '{shellCommand}'")
                : Shipped(Trace(fallback), $"shipped trace '{fallback}' (could not read the new trace: {parsed.Error})");
        }
        finally { File.Delete(file); }
    }

    private static LiveOrShipped<T> CaptureOrLoad<T>(string dataset, bool needStrace, Func<string, T> read, Func<T> shipped)
    {
        string script = Path.Combine(DatasetsFolder, "capture", "capture.sh");
        if (!CanCapture(needStrace, out string reason))
            return Shipped(shipped(), $"shipped {dataset} dataset ({reason})");
        if (!File.Exists(script))
            return Shipped(shipped(), $"shipped {dataset} dataset (capture.sh not found)");
        string output = Path.Combine(Path.GetTempPath(), $"coursekit-{Guid.NewGuid():N}");
        try
        {
            var (ok, error) = Run("bash", [script, "--out", output, "--quick", dataset], TimeSpan.FromMinutes(2));
            if (!ok) return Shipped(shipped(), $"shipped {dataset} dataset (the probe failed: {error})");
            var value = read(output);
            var provenance = DatasetReader.ReadProvenance(Path.Combine(output, dataset));
            return new(value, true, $"measured just now on this machine: {provenance}");
        }
        finally { if (Directory.Exists(output)) Directory.Delete(output, recursive: true); }
    }

    private static LiveOrShipped<T> Shipped<T>(T value, string note) => new(value, false, note);

    /// <summary>Runs a program; (true, "") when it exits with 0 in time, else (false, why).</summary>
    private static (bool Ok, string Error) Run(string program, IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        try
        {
            using var process = System.Diagnostics.Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"{program} did not finish within {timeout.TotalSeconds:0} s");
            }
            process.WaitForExit();
            string err = stderr.Result.Trim();
            _ = stdout.Result;
            return process.ExitCode == 0 ? (true, "") : (false, $"{program} exited with {process.ExitCode}: {LastLine(err)}");
        }
        catch (System.ComponentModel.Win32Exception e) { return (false, e.Message); }
    }

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";

    private static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("COURSEKIT_DATASETS") is { Length: > 0 } env && Directory.Exists(env)) return env;
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory, Path.GetDirectoryName(typeof(RealKernel).Assembly.Location) ?? "" })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "datasets");
                if (File.Exists(Path.Combine(candidate, "README.md"))) return candidate;
            }
        throw new DirectoryNotFoundException(
            "CourseKit's datasets folder was not found above the working directory or the library; set RealKernel.DatasetsFolder or COURSEKIT_DATASETS");
    }
}
