using CourseKit.Display;
using CourseKit.Files;
using CourseKit.Kernel;
using static CourseKit.Tests.Views.ProcessImageViewTests;

namespace CourseKit.Tests.Views;

public sealed class FilesViewTests
{
    [Fact]
    public void Fds_link_to_shared_descriptions_and_pipes()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 256 });
        var fs = FileSystem.Attach(m);
        var sh = m.Start("/bin/sh");
        var ends = fs.Pipe(sh).Value;
        var child = m.Fork(sh).Value;
        fs.Close(child, ends.Read).ThrowIfNotOk();
        var snap = fs.Snapshot();
        var doc = Parse(DisplayRegistry.Render(snap, DisplayRegistry.Html)!);
        Assert.Equal(snap.Tables.Count.ToString(), doc.QuerySelector(".ck-files")!.GetAttribute("data-tables"));
        var pipe = doc.QuerySelector("g.ck-pipe")!;
        Assert.Equal("1", pipe.GetAttribute("data-readers"));
        Assert.Equal("1", pipe.GetAttribute("data-writers"));
        var writeEnd = snap.TableOf(sh)![ends.Write]!.Value.OpenFileId;
        // the write end is shared by parent and child: two fd slots point at one description with refs 2
        Assert.Equal("2", doc.QuerySelector($"g.ck-open-file[data-id='{writeEnd}']")!.GetAttribute("data-references"));
        Assert.Equal(2, doc.QuerySelectorAll($"path.ck-link[data-open-file='{writeEnd}'][data-fd]").Length);
        Assert.Single(doc.QuerySelectorAll($"path.ck-link[data-open-file='{writeEnd}'][data-pipe]"));
        Assert.NotNull(doc.QuerySelector(".ck-legend"));
        Assert.Empty(doc.QuerySelectorAll("script"));
        var text = DisplayRegistry.Render(snap, DisplayRegistry.PlainText)!;
        Assert.Contains($"readers 1, writers 1", text);
    }

    [Fact]
    public void Hostile_file_names_are_encoded()
    {
        var m = Machine.Boot(new MachineOptions { Frames = 256 });
        var fs = FileSystem.Attach(m);
        var sh = m.Start("/bin/sh");
        fs.CreateFile("/tmp/" + Hostile.Replace("/", ""), "x");
        fs.Open(sh, "/tmp/" + Hostile.Replace("/", "")).ThrowIfNotOk();
        var doc = Parse(DisplayRegistry.Render(fs.Snapshot(), DisplayRegistry.Html)!);
        Assert.Empty(doc.QuerySelectorAll("img"));
        Assert.Contains("<img src=x onerror=alert(1)>", doc.QuerySelector("svg")!.TextContent);
    }
}
