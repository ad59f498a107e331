namespace CourseKit.Runner;

/// <summary>Where things are in the repository, found from any folder inside it.</summary>
public static class CourseRepository
{
    /// <summary>The folder holding CourseKit.sln, searched upward from <paramref name="start"/>.</summary>
    public static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CourseKit.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no CourseKit.sln in {start} or any folder above it: run from inside the repository");
    }

    /// <summary>The lessons folder of the repository that contains <paramref name="start"/>.</summary>
    public static string NotebooksDirectory(string start) => Path.Combine(FindRoot(start), "notebooks");
}
