using System.Diagnostics;
using CourseKit.Runner;

// The course runner. Usage (from anywhere inside the repository):
//   dotnet run --project tools/CourseRunner                 run every lesson, write artifacts/course/
//   dotnet run --project tools/CourseRunner -- 00-start-here  run one lesson (name, file name or number)
//   dotnet run --project tools/CourseRunner -- --student-release  write the student release (solutions
//                                             replaced by TODO stubs) to artifacts/student/ and run it
// Options: --notebooks DIR (default notebooks/), --output DIR (default artifacts/course/, or artifacts/student/).
// Exit code 0 when every cell of every lesson ran without an error, 1 otherwise, 2 on bad arguments.

var names = new List<string>();
string? notebooksDirectory = null;
string? outputDirectory = null;
var studentRelease = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--notebooks" when i + 1 < args.Length:
            notebooksDirectory = args[++i];
            break;
        case "--output" when i + 1 < args.Length:
            outputDirectory = args[++i];
            break;
        case "--student-release":
            studentRelease = true;
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: CourseRunner [LESSON...] [--notebooks DIR] [--output DIR] [--student-release]");
            return 0;
        case var a when a.StartsWith('-'):
            Console.Error.WriteLine($"unknown option {a}; usage: CourseRunner [LESSON...] [--notebooks DIR] [--output DIR] [--student-release]");
            return 2;
        default:
            names.Add(args[i]);
            break;
    }
}

var root = CourseRepository.FindRoot(Directory.GetCurrentDirectory());
notebooksDirectory = Path.GetFullPath(notebooksDirectory ?? Path.Combine(root, "notebooks"));
outputDirectory = Path.GetFullPath(outputDirectory ?? Path.Combine(root, "artifacts", studentRelease ? "student" : "course"));

var all = Lesson.Discover(notebooksDirectory);
IReadOnlyList<Lesson> lessons;
try
{
    lessons = names.Count == 0 ? all : names.Select(n => Lesson.Find(all, n)).ToList();
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (lessons.Count == 0)
{
    Console.Error.WriteLine($"no lessons (NN-topic.ipynb) in {notebooksDirectory}");
    return 2;
}

if (studentRelease)
{
    // The release is run right away: it must run with zero errors, every check saying "not done yet".
    var released = StudentRelease.Write(root, lessons, outputDirectory);
    foreach (var (lesson, blocks) in released)
    {
        Console.WriteLine($"released {lesson.Name}: {blocks} solution block(s) replaced by TODO stubs");
    }

    lessons = released.Select(r => r.Lesson).ToList();
}

var results = new List<LessonResult>();
var withKernelStart = new List<TimeSpan>();
var progress = new Progress(p => Console.WriteLine(Report.ProgressLine(p)));
foreach (var lesson in lessons)
{
    Console.WriteLine($"▶ {lesson.Name}");
    // Two times per lesson: its cells alone (the kernel already started), and from before the kernel is
    // constructed (what a student waits for after "Restart kernel" + "Run All"; issue 7's run-time target).
    var clock = Stopwatch.StartNew();
    using var kernel = new LessonKernel();
    var result = await kernel.RunAsync(lesson, progress);
    withKernelStart.Add(clock.Elapsed);
    results.Add(result);
    Console.WriteLine(result.Succeeded
        ? Report.LessonLine(result, clock.Elapsed)
        : $"✘ {result.FailureMessage}");
}

Console.WriteLine();
Console.Write(Report.SummaryTable(results, withKernelStart));
if (studentRelease)
{
    Console.WriteLine($"student release: {Path.Combine(outputDirectory, "notebooks")}");
}
else
{
    var index = SiteWriter.Write(outputDirectory, results);
    Console.WriteLine($"site: {index}");
    var (deck, cards) = FlashcardExport.Write(root, outputDirectory);
    Console.WriteLine($"flashcards for Anki: {deck} ({cards} cards)");
}

// The whole process, from the runtime's start (before Main) to here: what a headless run of this command costs.
Console.WriteLine(Report.ProcessLine(DateTime.Now - Process.GetCurrentProcess().StartTime));

var failures = results.Where(r => !r.Succeeded).ToList();
foreach (var failure in failures)
{
    Console.Error.WriteLine($"FAILED {failure.FailureMessage}");
}

return failures.Count == 0 ? 0 : 1;

/// <summary>Reports progress synchronously, in order (System.Progress posts to the thread pool).</summary>
internal sealed class Progress(Action<CellProgress> report) : IProgress<CellProgress>
{
    public void Report(CellProgress value) => report(value);
}
