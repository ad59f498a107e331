using System.Diagnostics;
using System.Globalization;

namespace CourseKit.Bench;

/// <summary>One process creation timed by the real kernel (a row of the probe's samples.csv).</summary>
internal sealed record ProbeSample(int Round, long SizeMiB, string Method, string Exec, double ReturnMicroseconds, double ReapedMicroseconds);

/// <summary>
/// The Linux reference, measured in the same run as the simulation: compiles the datasets' creation-cost
/// probe (datasets/capture/cost.c, the same source the shipped dataset came from) with gcc and runs it. The
/// probe maps a region, writes every page (MADV_NOHUGEPAGE), then times fork, vfork, clone(CLONE_VM|CLONE_VFORK)
/// and posix_spawn with CLOCK_MONOTONIC inside the process, so process start-up is not in the numbers.
/// </summary>
internal static class RealKernelProbe
{
    /// <summary>Compiles the probe into <paramref name="outDir"/>; returns the executable's path.</summary>
    public static string Build(string root, string outDir)
    {
        var source = Path.Combine(root, "datasets", "capture", "cost.c");
        if (!File.Exists(source)) throw new FileNotFoundException("the creation-cost probe source is missing", source);
        Directory.CreateDirectory(outDir);
        var exe = Path.Combine(outDir, "cost");
        Run("gcc", ["-O2", "-Wall", "-Wextra", "-o", exe, source], root, null);
        return exe;
    }

    /// <summary>
    /// Runs the probe: <paramref name="rounds"/> rounds of <paramref name="reps"/> creations per method and size
    /// (sizes in MiB), pinned to one CPU. Its samples go to <paramref name="outDir"/>/<paramref name="label"/>-*.csv.
    /// </summary>
    public static IReadOnlyList<ProbeSample> Measure(string exe, string outDir, string label, int rounds, int reps, params long[] sizesMiB)
    {
        var samples = Path.Combine(outDir, $"{label}-samples.csv");
        var summary = Path.Combine(outDir, $"{label}-summary.csv");
        int cpu = Environment.ProcessorCount - 1;
        string[] args = [.. new[] { rounds, reps, cpu }.Select(n => n.ToString(CultureInfo.InvariantCulture)),
            .. sizesMiB.Select(s => s.ToString(CultureInfo.InvariantCulture))];
        Run(exe, args, outDir, new() { ["SAMPLES"] = samples, ["SUMMARY"] = summary });
        return [.. File.ReadLines(samples).Where(l => l.Length > 0).Select(Parse)];
    }

    private static ProbeSample Parse(string line)
    {
        var f = line.Split(',');
        var inv = CultureInfo.InvariantCulture;
        return new ProbeSample(int.Parse(f[0], inv), long.Parse(f[1], inv), f[2], f[3], double.Parse(f[4], inv), double.Parse(f[5], inv));
    }

    private static void Run(string file, string[] args, string directory, Dictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr}{stdout.Result}");
    }
}
