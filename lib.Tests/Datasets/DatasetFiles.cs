namespace CourseKit.Tests.Datasets;

/// <summary>Finds the repository's datasets/ folder from the test binaries (artifacts/bin/...).</summary>
internal static class DatasetFiles
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    public static IEnumerable<string> Traces() =>
        Directory.GetFiles(Path("strace"), "*.trace").Order(StringComparer.Ordinal);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = System.IO.Path.Combine(dir.FullName, "datasets");
            if (File.Exists(System.IO.Path.Combine(candidate, "README.md"))) return candidate;
        }
        throw new DirectoryNotFoundException($"no datasets/README.md above {AppContext.BaseDirectory}");
    }
}
