using CourseKit.Tracing.Strace;

namespace CourseKit.Tests.Datasets;

/// <summary>The simulator's copy-on-write model against the numbers measured on Linux (datasets/cow).</summary>
public class KernelComparisonTests
{
    private static Dataset<CowMeasurement> Shipped() => DatasetReader.Cow(DatasetFiles.Root);

    [Fact]
    public void Every_cow_scenario_matches_the_kernel_exactly_faults_and_smaps()
    {
        var data = Shipped();
        var rows = KernelComparison.Cow(data);
        Assert.Equal(24, rows.Select(r => r.Scenario).Distinct().Count());
        // 7 quantities per measured row minus minor faults where the process did not write
        Assert.Equal(data.Rows.Count * 7 - data.Rows.Count(r => r.MinorFaults is null), rows.Count);
        var wrong = rows.Where(r => r.Exact && !r.Agrees).Select(r => r.ToString()).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(20)));
    }

    [Fact]
    public void A_changed_measurement_shows_up_as_a_disagreement()
    {
        var data = Shipped();
        var tampered = data.Rows.Where(r => r is { Pages: 4096, Percent: 50, Order: "alive" })
            .Select(r => r is { Step: "child_wrote", Process: "parent" } ? r with { PssKb = r.PssKb + 4 } : r).ToList();
        var rows = KernelComparison.Cow(data with { Rows = tampered });
        var differing = Assert.Single(rows, r => !r.Agrees);
        Assert.Equal(("child_wrote", "parent", "Pss kB"), (differing.Step, differing.Process, differing.Quantity));
        Assert.Contains("(differs)", differing.ToString());
    }

    [Fact]
    public void Huge_pages_or_other_page_sizes_are_not_claimed()
    {
        var data = Shipped();
        var huge = data with { Rows = data.Rows.Where(r => r.Pages == 256).Select(r => r.Percent == 25 ? r with { AnonHugeKb = 2048 } : r).ToList() };
        var compared = KernelComparison.Cow(huge);
        Assert.DoesNotContain(compared, r => r.Scenario.StartsWith("256 pages, child writes 25 %", StringComparison.Ordinal));
        Assert.Contains(compared, r => r.Scenario.StartsWith("256 pages, child writes 50 %", StringComparison.Ordinal));
        var pages64k = new DatasetProvenance([new("page_size", "65536")]);
        Assert.Empty(KernelComparison.Cow(data with { Provenance = pages64k }));
    }

    [Fact]
    public void Simulated_scenario_has_the_datasets_shape()
    {
        var sim = KernelComparison.SimulateCow(256, 25, "exited");
        Assert.Equal(["touched", "forked", "forked", "child_wrote", "child_wrote", "child_rewrote", "child_rewrote",
            "child_reaped", "parent_wrote", "parent_rewrote"], sim.Select(r => r.Step));
        Assert.Throws<ArgumentException>(() => KernelComparison.SimulateCow(256, 25, "later"));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelComparison.SimulateCow(256, 101, "alive"));
    }
}

/// <summary>Wait statuses and reparenting: the simulator against datasets/process-facts.</summary>
public class ProcessFactsComparisonTests
{
    [Fact]
    public void Every_wait_status_scenario_matches_the_kernel()
    {
        var data = DatasetReader.WaitStatuses(DatasetFiles.Root);
        var rows = KernelComparison.WaitStatuses(data);
        Assert.Equal(data.Rows.Select(r => r.Scenario).Order(), rows.Select(r => r.Step).Distinct().Order());   // every scenario replayed
        Assert.Contains(rows, r => r is { Step: "exit_42", Quantity: "status word", Measured: 0x2a00 });
        Assert.Contains(rows, r => r is { Step: "wait_no_children", Quantity: "errno", Measured: 10 });
        var wrong = rows.Where(r => !r.Agrees).Select(r => r.ToString()).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Reparenting_matches_the_kernel_orphans_go_to_init_or_the_subreaper_grandchildren_stay()
    {
        var data = DatasetReader.Reparenting(DatasetFiles.Root);
        var facts = KernelComparison.Reparenting(data);
        Assert.Equal(data.Rows.Count(r => r.ParentAfter != "other"), facts.Count);
        Assert.Contains(facts, f => f is { Step: "subreaper", Process: "C", Measured: "top" });
        Assert.Contains(facts, f => f is { Step: "orphan", Process: "G", Measured: "C" });
        var wrong = facts.Where(f => !f.Agrees).Select(f => f.ToString()).ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
