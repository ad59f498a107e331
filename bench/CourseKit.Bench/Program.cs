using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using CourseKit.Bench;
using CourseKit.Bench.Benchmarks;

// CourseKit's benchmarks and performance report (issue 7). From the repository root:
//   bench/run.sh [--quick] [--no-course] [--no-real] [--runs N] [BenchmarkDotNet options, e.g. --filter '*Fork*']
// Steps, all in this one run so the noisy shared machine is compared with itself:
//   1. the real kernel: datasets/capture/cost.c (gcc) times fork/vfork of a 1 GiB process;
//   2. BenchmarkDotNet runs the simulation's benchmarks (fork, COW faults, memory, view);
//   3. the real-kernel probe again (so drift during the run shows in the samples);
//   4. retained managed memory per page and the view's size (measured here, in this process);
//   5. the lessons' headless runs: a trivial one-cell notebook and each lesson, each run a fresh process, in the
//      course runner and in dotnet-repl, N rounds (default 5, --quick 3) taken round-robin; then the whole course;
//   6. artifacts/bench/report.md: each target, the measured value, the Linux reference and the ratio; a complete
//      measured run (no --quick, --no-course, --no-real or --filter) also rewrites the README's performance
//      table between <!-- bench:begin --> and <!-- bench:end -->.
// --quick: 1 warm-up and 3 iterations, a short probe: a check of the harness, not the measurement.

bool quick = args.Contains("--quick"), noCourse = args.Contains("--no-course"), noReal = args.Contains("--no-real");
int runs = quick ? 3 : 5;
var bdnArgs = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "--quick" or "--no-course" or "--no-real") continue;
    if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out runs) && runs >= 1) { i++; continue; }
    if (args[i] == "--runs") { Console.Error.WriteLine("--runs needs a whole number of rounds, at least 1"); return 2; }
    bdnArgs.Add(args[i]);
}
bool filtered = bdnArgs.Contains("--filter");
if (!filtered) bdnArgs.AddRange(["--filter", "*"]);

var root = FindRoot(Directory.GetCurrentDirectory());
var outDir = Path.Combine(root, "artifacts", "bench");
Directory.CreateDirectory(outDir);
string command = "bench/run.sh" + (args.Length > 0 ? " " + string.Join(' ', args) : "");

string loadBefore = Report.LoadAverage();
var probe = new List<ProbeSample>();
string? probeCommand = null;
string? probeExe = null;
int rounds = quick ? 1 : 4, reps = quick ? 2 : 3;
if (!noReal)
{
    probeExe = RealKernelProbe.Build(root, Path.Combine(outDir, "probe"));
    probeCommand = $"cost {rounds} {reps} {Environment.ProcessorCount - 1} 0 1024";
    Console.WriteLine($"// real kernel (before): {probeCommand}");
    probe.AddRange(RealKernelProbe.Measure(probeExe, Path.Combine(outDir, "probe"), "before", rounds, reps, 0, 1024));
}

var job = quick ? Job.Default.WithWarmupCount(1).WithIterationCount(3).WithId("quick") : Job.Default.WithWarmupCount(3).WithIterationCount(15).WithId("measured");
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddExporter(JsonExporter.Full)
    .WithBuildTimeout(TimeSpan.FromMinutes(15)) // the shared machine can be slow to build the benchmark process
    .WithArtifactsPath(Path.Combine(outDir, "results"));
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Workload).Assembly).Run([.. bdnArgs], config).ToList();

if (probeExe is not null)
{
    Console.WriteLine($"// real kernel (after): {probeCommand}");
    probe.AddRange(RealKernelProbe.Measure(probeExe, Path.Combine(outDir, "probe"), "after", rounds, reps, 0, 1024));
}

Console.WriteLine("// retained managed memory of a 1,048,576-page machine");
var retained = RetainedMemory.Measure();
Console.WriteLine("// size of the million-page view");
int? viewBytes = null;
string? viewProblem = null;
try { viewBytes = System.Text.Encoding.UTF8.GetByteCount(MillionPageView.Render(MillionPageView.Build())); }
catch (InvalidOperationException e) { viewProblem = e.Message; }

RunnerRun? course = null;
IReadOnlyList<HeadlessTiming> headless = [];
string? replProblem = null;
if (!noCourse)
{
    Console.WriteLine("// course runner: building it");
    CourseTimings.BuildRunner(root);
    replProblem = CourseTimings.RestoreRepl(root);
    if (replProblem is not null) Console.WriteLine($"// dotnet-repl not measured: {replProblem}");
    Host[] hosts = replProblem is null ? [Host.CourseRunner, Host.DotnetRepl] : [Host.CourseRunner];
    headless = CourseTimings.MeasureHeadless(root, CourseTimings.Lessons(root), runs, hosts);
    Console.WriteLine("// course runner: whole course");
    course = CourseTimings.Run(root, "whole course", "--output", "artifacts/bench/course");
}

var measurements = new Measurements
{
    Summaries = summaries, Probe = probe, ProbeCommand = probeCommand, Retained = retained, ViewBytes = viewBytes, ViewProblem = viewProblem,
    Headless = headless, HeadlessRuns = runs, ReplProblem = replProblem, Course = course, Command = command, LoadBefore = loadBefore,
    Mode = quick ? "quick: 1 warm-up + 3 iterations, short probe; a check of the harness, not the measurement" : "measured: 3 warm-up + 15 iterations per benchmark",
};
var markdown = Report.Markdown(measurements);
var reportPath = Path.Combine(outDir, "report.md");
File.WriteAllText(reportPath, markdown);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"report: {reportPath}");
if (!quick && !noCourse && !noReal && !filtered)
{
    var readme = Path.Combine(root, "README.md");
    File.WriteAllText(readme, Report.ReplaceReadmeSection(File.ReadAllText(readme), Report.ReadmeSection(measurements)));
    Console.WriteLine($"README: performance table rewritten ({readme})");
}
return 0;

static string FindRoot(string from)
{
    for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "CourseKit.sln"))) return dir.FullName;
    throw new DirectoryNotFoundException($"no CourseKit.sln above {from}: run the benchmarks from inside the repository");
}
