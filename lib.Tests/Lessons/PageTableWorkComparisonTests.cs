using CourseKit.Kernel;
using CourseKit.Lessons;
using CourseKit.Memory;

namespace CourseKit.Tests.Lessons;

/// <summary>Lesson 10 puts the page-table work of two forks side by side: one row per counter, marked same or changed.</summary>
public sealed class PageTableWorkComparisonTests
{
    private static PageTableWork ForkWork(bool onDemand)
    {
        var m = Machine.Boot(new MachineOptions { Frames = 4096, OnDemandFork = onDemand });
        var p = m.Start("/home/student/a.out");
        var region = m.Mmap(p, 1024 * m.PageSize, Protection.ReadWrite).Value;
        for (var i = 0; i < 1024; i++) m.WriteWord(p, region + i * m.PageSize, 1).ThrowIfNotOk();
        var before = m.Memory.PageTableWork;
        m.Fork(p).ThrowIfNotOk();
        return m.Memory.PageTableWork - before;
    }

    [Fact]
    public void Each_counter_is_a_row_with_both_forks_values()
    {
        var (linux, onDemand) = (ForkWork(false), ForkWork(true));
        var table = Comparison.Of("Linux's fork", "on-demand fork", linux, onDemand);
        Assert.Equal(("Linux's fork", "on-demand fork"), (table.Left, table.Right));
        Assert.Equal(
            [("page-table pages copied", $"{linux.TablesCopied}", "0"), ("page-table pages shared", "0", $"{onDemand.TablesShared}"),
             ("entries copied", $"{linux.EntriesCopied}", "0"), ("map counts updated", $"{linux.MapCountUpdates}", "0")],
            table.Rows);
        Assert.True(linux.EntriesCopied >= 1024 && onDemand.TablesShared >= 2);
        var html = Display.DisplayRegistry.Render(table, Display.DisplayRegistry.Html)!;
        var rows = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html).QuerySelectorAll("tbody tr");
        Assert.Equal(4, rows.Length);
        Assert.All(rows, r => Assert.Equal("changed", r.QuerySelectorAll("td")[^1].TextContent)); // every counter differs
    }
}
