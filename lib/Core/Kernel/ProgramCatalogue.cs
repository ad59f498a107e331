using System.Collections;

namespace CourseKit.Kernel;

/// <summary>
/// A file that execve can be asked to run: its size in pages, whether it has execute permission and
/// whether it is a valid executable (ELF), so each execve error has a file that causes it.
/// </summary>
/// <param name="Path">Absolute path, e.g. "/bin/ls".</param>
/// <param name="CodePages">Pages of code (text): read-only, shared by every process running it.</param>
/// <param name="DataPages">Pages of data and bss: private to each process.</param>
/// <param name="Description">What the program does, in one line (for listings).</param>
/// <param name="ExecutePermission">False gives EACCES (like a file with mode 0644).</param>
/// <param name="IsElf">False gives ENOEXEC (a file with mode 0755 that is not a program, e.g. a script without #!).</param>
/// <param name="Text">Program text for the program interpreter (its format is the Programs layer's business), if any.</param>
public sealed record Executable(string Path, int CodePages, int DataPages, string Description,
    bool ExecutePermission = true, bool IsElf = true, string? Text = null)
{
    /// <summary>The base name, as the command name (comm) shows it: at most 15 characters.</summary>
    public string CommandName
    {
        get
        {
            string name = Path[(Path.LastIndexOf('/') + 1)..];
            return name.Length > 15 ? name[..15] : name;
        }
    }
}

/// <summary>
/// The simulated executables a machine can exec (its tiny file system of programs). Instructors can add
/// their own with <see cref="Add"/>.
/// </summary>
public sealed class ProgramCatalogue : IReadOnlyCollection<Executable>
{
    private readonly SortedDictionary<string, Executable> _files = new(StringComparer.Ordinal);

    /// <summary>The standard catalogue: init, a shell, coreutils, and files that make exec fail on purpose.</summary>
    public static ProgramCatalogue Standard()
    {
        var catalogue = new ProgramCatalogue();
        foreach (var exe in StandardFiles) catalogue.Add(exe);
        return catalogue;
    }

    private static readonly Executable[] StandardFiles =
    [
        new("/sbin/init", 16, 4, "the first process: starts the system and reaps orphans"),
        new("/bin/sh", 24, 4, "the shell: reads command lines, forks and execs them"),
        new("/bin/bash", 48, 8, "the Bourne-again shell"),
        new("/bin/ls", 20, 2, "lists a directory"),
        new("/bin/echo", 6, 1, "prints its arguments"),
        new("/bin/true", 4, 1, "exits with status 0"),
        new("/bin/false", 4, 1, "exits with status 1"),
        new("/bin/sleep", 6, 1, "waits a number of seconds"),
        new("/bin/cat", 8, 1, "copies its input or files to its output"),
        new("/bin/wc", 8, 1, "counts lines, words and bytes"),
        new("/bin/yes", 6, 1, "prints y forever (until SIGPIPE)"),
        new("/bin/ps", 24, 4, "lists processes"),
        new("/usr/bin/python3", 256, 64, "the Python interpreter (a big program)"),
        new("/home/student/a.out", 4, 2, "the student's compiled program"),
        new("/home/student/notes.txt", 1, 0, "a text file: no execute permission (EACCES)", ExecutePermission: false, IsElf: false),
        new("/home/student/script", 1, 0, "an executable text file without #! (ENOEXEC)", IsElf: false),
    ];

    /// <summary>Adds or replaces a file.</summary>
    public void Add(Executable executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        if (!executable.Path.StartsWith('/')) throw new ArgumentException($"the path '{executable.Path}' must be absolute", nameof(executable));
        if (executable.CodePages < 1 || executable.DataPages < 0)
            throw new ArgumentOutOfRangeException(nameof(executable), "an executable needs at least one code page and no negative data pages");
        _files[executable.Path] = executable;
    }

    /// <summary>The file at <paramref name="path"/>, or null (execve: ENOENT).</summary>
    public Executable? Find(string path) => _files.GetValueOrDefault(path);

    /// <inheritdoc/>
    public int Count => _files.Count;

    /// <inheritdoc/>
    public IEnumerator<Executable> GetEnumerator() => _files.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
