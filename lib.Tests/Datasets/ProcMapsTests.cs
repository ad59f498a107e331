using CourseKit.Memory;
using CourseKit.Tracing.Strace;
using CsCheck;

namespace CourseKit.Tests.Datasets;

public class ProcMapsTests
{
    private static IReadOnlyList<MapsEntry> Read(string file)
    {
        var (entries, error) = ProcMaps.Parse(DatasetFiles.Read("maps", file));
        Assert.Null(error);
        return entries!;
    }

    [Fact]
    public void Static_program_has_one_code_segment_data_bss_heap_mmap_and_stack()
    {
        var map = Read("static.maps");
        var code = Assert.Single(map, e => e.Kind == SegmentKind.Code);
        Assert.Equal("r-xp", code.Permissions);
        Assert.True(code.IsFile);
        Assert.Equal(2, map.Count(e => e.Kind == SegmentKind.Data));          // .data from the file, .bss anonymous after it
        Assert.Single(map, e => e.Kind == SegmentKind.Heap);
        Assert.Single(map, e => e.Kind == SegmentKind.Stack);
        Assert.Contains(map, e => e.Kind == SegmentKind.Mmap && e.Size == 1 << 20);   // the probe's 1 MiB mmap
        Assert.Contains(map, e => e.Path == "[vdso]" && e.Kind is null);
        Assert.All(map.Where(e => e.IsFile), e => Assert.Equal(map[0].Path, e.Path));   // only the program itself
    }

    [Fact]
    public void Dynamic_program_maps_the_loader_and_libc_too()
    {
        var map = Read("dynamic.maps");
        var files = map.Where(e => e.Kind == SegmentKind.Code).Select(e => System.IO.Path.GetFileName(e.Path)).ToList();
        Assert.Equal(3, files.Count);
        Assert.Contains(files, f => f.StartsWith("libc.so", StringComparison.Ordinal));
        Assert.Contains(files, f => f.StartsWith("ld-linux", StringComparison.Ordinal));
        Assert.True(map.Count > Read("static.maps").Count);
    }

    [Fact]
    public void Malformed_lines_are_errors_with_their_number()
    {
        var (entries, error) = ProcMaps.Parse("00400000-00401000 r-xp 00000000 fe:00 1 /bin/x\nnot a maps line\n");
        Assert.Null(entries);
        Assert.Equal(2, error!.LineNumber);
        Assert.Contains("START-END", error.Expected);
    }

    [Fact]
    public void Mutated_maps_never_throw()
    {
        string text = DatasetFiles.Read("maps", "dynamic.maps");
        Gen.Select(Gen.Int[0, text.Length], Gen.Int[0, 30], Gen.Char["0123456789abcdef-: rwxp/[]\n"]).Sample((at, cut, ch) =>
        {
            string mutated = text.Remove(at, Math.Min(cut, text.Length - at)).Insert(at, ch.ToString());
            var (entries, error) = ProcMaps.Parse(mutated);
            Assert.True(entries is not null ^ error is not null);
        }, iter: 2000);
    }
}
