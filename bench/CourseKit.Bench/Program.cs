using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using CourseKit.Bench;
using CourseKit.Bench.Benchmarks;

// CourseKit's benchmarks and performance report (issue 7). From the repository root:
//   bench/run.sh [--quick] [--no-course] [--no-real] [BenchmarkDotNet options, e.g. --filter '*Fork*']
// Steps, all in this one run so the noisy shared machine is compared with itself:
//   1. the real kernel: datasets/capture/cost.c (gcc) times fork/vfork of a 1 GiB process;
//   2. BenchmarkDotNet runs the simulation's benchmarks (fork, COW faults, memory, view);
//   3. the real-kernel probe again (so drift during the run shows in the samples);
//   4. retained managed memory per page and the view's size (measured here, in this process);
//   5. the course runner: a trivial one-cell notebook, each lesson alone, then the whole course;
//   6. artifacts/bench/report.md: each target, the measured value, the Linux reference and the ratio.
// --quick: 1 warm-up and 3 iterations, a short probe: a check of the harness, not the measurement.

bool quick = args.Contains("--quick"), noCourse = args.Contains("--no-course"), noReal = args.Contains("--no-real");
var bdnArgs = args.Where(a => a is not ("--quick" or "--no-course" or "--no-real")).ToList();
if (!bdnArgs.Contains("--filter")) bdnArgs.AddRange(["--filter", "*"]);

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

RunnerRun? trivial = null, course = null;
var alone = new List<RunnerRun>();
if (!noCourse)
{
    Console.WriteLine("// course runner: building it");
    CourseTimings.BuildRunner(root);
    Console.WriteLine("// course runner: trivial one-cell notebook");
    trivial = CourseTimings.Run(root, "trivial notebook", "--notebooks", "bench/notebooks", "--output", "artifacts/bench/course-trivial");
    foreach (var lesson in CourseTimings.Lessons(root))
    {
        Console.WriteLine($"// course runner: {lesson} alone");
        alone.Add(CourseTimings.Run(root, $"lesson {lesson} alone", lesson, "--output", "artifacts/bench/course-alone"));
    }
    Console.WriteLine("// course runner: whole course");
    course = CourseTimings.Run(root, "whole course", "--output", "artifacts/bench/course");
}

var measurements = new Measurements
{
    Summaries = summaries, Probe = probe, ProbeCommand = probeCommand, Retained = retained, ViewBytes = viewBytes, ViewProblem = viewProblem,
    Trivial = trivial, LessonsAlone = alone, Course = course, Command = command, LoadBefore = loadBefore,
    Mode = quick ? "quick: 1 warm-up + 3 iterations, short probe; a check of the harness, not the measurement" : "measured: 3 warm-up + 15 iterations per benchmark",
};
var markdown = Report.Markdown(measurements);
var reportPath = Path.Combine(outDir, "report.md");
File.WriteAllText(reportPath, markdown);
Console.WriteLine();
Console.WriteLine(markdown);
Console.WriteLine($"report: {reportPath}");
return 0;

static string FindRoot(string from)
{
    for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "CourseKit.sln"))) return dir.FullName;
    throw new DirectoryNotFoundException($"no CourseKit.sln above {from}: run the benchmarks from inside the repository");
}
