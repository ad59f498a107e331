using CourseKit.Tracing.Strace;

namespace CourseKit.Tests.Datasets;

/// <summary>The shipped datasets load, carry their provenance and show what the reference says Linux does.</summary>
public class RealKernelTests
{
    static RealKernelTests() => RealKernel.DatasetsFolder = DatasetFiles.Root;

    [Fact]
    public void Every_dataset_has_provenance()
    {
        foreach (string folder in new[] { "cow", "creation-cost", "maps", "strace", "process-facts" })
        {
            var p = DatasetReader.ReadProvenance(DatasetFiles.Path(folder));
            foreach (string key in new[] { "captured", "kernel", "cmdline", "transparent_hugepage", "zero_page", "page_size", "cpu_model" })
                Assert.False(string.IsNullOrWhiteSpace(p[key]), $"{folder}/provenance.txt lacks {key}");
            Assert.Contains("measured:", p.ZeroPage);
            Assert.Equal(p.ZeroPageDisabledOnCommandLine, p.ZeroPage.StartsWith("disabled", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Cow_dataset_matches_the_reference_table()
    {
        var cow = RealKernel.Cow();
        Assert.Equal(3 * 4 * 2, cow.Rows.Select(r => (r.Pages, r.Percent, r.Order)).Distinct().Count());
        Assert.All(cow.Rows, r => Assert.Equal(0, r.AnonHugeKb));     // MADV_NOHUGEPAGE held
        CowMeasurement Row(string step, string process) =>
            cow.Rows.Single(r => r is { Pages: 256, Percent: 25, Order: "alive" } && r.Step == step && r.Process == process);
        // linux-process-semantics.md, "/proc/PID/smaps accounting": Rss, Pss, Shared_Dirty, Private_Dirty in kB
        Assert.Equal((1024L, 1024L, 0L, 1024L), Tuple(Row("touched", "parent")));
        Assert.Equal((1024L, 512L, 1024L, 0L), Tuple(Row("forked", "child")));
        Assert.Equal((1024L, 512L, 1024L, 0L), Tuple(Row("forked", "parent")));
        Assert.Equal((1024L, 640L, 768L, 256L), Tuple(Row("child_wrote", "child")));
        Assert.Equal((1024L, 640L, 768L, 256L), Tuple(Row("child_wrote", "parent")));
        var exited = cow.Rows.Single(r => r is { Pages: 256, Percent: 25, Order: "exited", Step: "child_reaped" });
        Assert.Equal((1024L, 1024L, 0L, 1024L), Tuple(exited));
        // rows of one moment agree: parent and child see the same split (each holds its own private copies)
        foreach (var moment in cow.Rows.GroupBy(r => (r.Pages, r.Percent, r.Order, r.Step)).Where(g => g.Count() == 2))
        {
            var (parent, child) = (moment.Single(r => r.Process == "parent"), moment.Single(r => r.Process == "child"));
            Assert.Equal((parent.RssKb, parent.PssKb, parent.SharedDirtyKb, parent.PrivateDirtyKb),
                (child.RssKb, child.PssKb, child.SharedDirtyKb, child.PrivateDirtyKb));
        }
        // one minor fault per page written, none for a rewrite
        Assert.All(cow.Rows.Where(r => r.MinorFaults is not null), r =>
            Assert.Equal(r.Step.EndsWith("rewrote", StringComparison.Ordinal) ? 0 : r.PagesWritten, r.MinorFaults));

        static (long, long, long, long) Tuple(CowMeasurement r) => (r.RssKb, r.PssKb, r.SharedDirtyKb, r.PrivateDirtyKb);
    }

    [Fact]
    public void Fork_cost_grows_with_resident_size_and_vfork_stays_flat()
    {
        var rows = RealKernel.CreationCost().Rows;
        Assert.Equal([0, 16, 64, 256, 1024], rows.Select(r => r.SizeMiB).Distinct().Order());
        var fork = CreationCostFit.Of(rows, "fork");
        var vfork = CreationCostFit.Of(rows, "vfork");
        var clone = CreationCostFit.Of(rows, "clone_vm_vfork");
        Assert.True(fork.RSquared > 0.95, fork.ToString());                    // linear in size
        Assert.InRange(fork.NanosecondsPerPage, 5, 500);                      // tens of ns per page table entry
        Assert.True(Math.Abs(vfork.MicrosecondsPerMiB) < fork.MicrosecondsPerMiB / 50, $"{vfork} vs {fork}");
        Assert.True(Math.Abs(clone.MicrosecondsPerMiB) < fork.MicrosecondsPerMiB / 50, $"{clone} vs {fork}");
        var big = rows.Where(r => r.SizeMiB == 1024).ToDictionary(r => (r.Method, r.Exec));
        Assert.True(big[("fork", "none")].MinReturn > 20 * big[("vfork", "none")].MinReturn);
        Assert.True(big[("posix_spawn", "/bin/true")].MinReaped < big[("fork", "/bin/true")].MinReaped);
    }

    [Fact]
    public void Fit_is_exact_on_a_line()
    {
        var rows = new[] { 0, 10, 20 }.Select(s => new CreationCostSummary(s, "fork", "none", 1, 100 + 2.5 * s, 0, 0, 0));
        var fit = CreationCostFit.Of(rows, "fork");
        Assert.Equal(100, fit.InterceptMicroseconds, 9);
        Assert.Equal(2.5, fit.MicrosecondsPerMiB, 9);
        Assert.Equal(1, fit.RSquared, 9);
        Assert.Throws<ArgumentException>(() => CreationCostFit.Of(rows, "vfork"));
    }

    [Fact]
    public void Static_map_has_no_loader_and_dynamic_map_has_ld_so_and_libc()
    {
        var maps = RealKernel.Maps();
        Assert.NotNull(maps.Static);
        Assert.DoesNotContain("ld-linux", maps.Static);
        Assert.DoesNotContain("libc.so", maps.Static);
        Assert.Contains("ld-linux", maps.Dynamic);
        Assert.Contains("libc.so", maps.Dynamic);
        foreach (string segment in new[] { "[heap]", "[stack]", "[vdso]" })
        {
            Assert.Contains(segment, maps.Static);
            Assert.Contains(segment, maps.Dynamic);
        }
        Assert.True(maps.Static.Split('\n').Length < maps.Dynamic.Split('\n').Length);
    }

    [Fact]
    public void Shipped_traces_by_name()
    {
        Assert.Contains("pipeline", RealKernel.TraceNames());
        Assert.Equal(3, RealKernel.Trace("pipeline").Processes.Count());
        var e = Assert.Throws<FileNotFoundException>(() => RealKernel.Trace("nope"));
        Assert.Contains("pipeline", e.Message);
    }

    [Fact]
    public void Live_cow_capture_reproduces_the_shipped_numbers_or_says_why_not()
    {
        var result = RealKernel.CaptureOrLoadCow();
        var shipped = RealKernel.Cow();
        if (!RealKernel.CanCapture(needStrace: false, out string reason))
        {
            Assert.False(result.Live);
            Assert.Contains(reason, result.Note);
            return;
        }
        Assert.True(result.Live, result.Note);
        Assert.StartsWith("measured just now", result.Note);
        Assert.NotEmpty(result.Value.Rows);
        // the accounting is deterministic: the quick capture (no 16384-page region) equals the shipped rows
        Assert.Equal(shipped.Rows.Where(r => r.Pages <= 4096), result.Value.Rows);
    }

    [Fact]
    public void Live_trace_of_a_pipeline_has_the_shipped_shape_or_falls_back()
    {
        var result = RealKernel.TraceOrLoad("ls / | wc -l");
        var root = result.Value.Root;
        Assert.Equal(2, root.Children.Count);
        Assert.All(root.Children, c => Assert.Equal(0, c.ExitCode));
        Assert.Equal(["ls", "wc"], root.Children.Select(c => Path.GetFileName(c.Program)).Order());
        if (!result.Live) Assert.StartsWith("shipped trace 'pipeline'", result.Note);
    }
}
