using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace CourseKit.Charts;

/// <summary>
/// Makes charts work after a plain <c>#r "CourseKit.dll"</c>. Plotly.NET 6 is compiled against FSharp.Core
/// 10.1, but the notebook hosts (dotnet-interactive, dotnet-repl) ship and load FSharp.Core 10.0, so the first
/// chart would throw <c>FileNotFoundException: FSharp.Core, Version=10.1.0.0</c>. The fix (checked in the host)
/// answers the failed request with the FSharp.Core the host already has. A host that does not know CourseKit's
/// other dependencies (Plotly.NET, Plotly.NET.CSharp, DynamicObj, Giraffe.ViewEngine, ...) gets them from the
/// folder CourseKit.dll was loaded from.
/// </summary>
/// <remarks>Installed by a module initializer, i.e. before any CourseKit type is used, so before any chart is
/// built. This class touches no Plotly or F# type itself: loading one would trigger the very failure it fixes.</remarks>
internal static class DependencyResolver
{
    private const string FSharpCore = "FSharp.Core";

    [ThreadStatic] private static bool resolvingFSharpCore;

    private static int installed;

#pragma warning disable CA2255 // A library module initializer is the point: #r runs no extension code.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        if (Interlocked.Exchange(ref installed, 1) == 0) AssemblyLoadContext.Default.Resolving += Resolve;
    }

    /// <summary>The folder holding CourseKit.dll and its copied dependencies (null when loaded from bytes).</summary>
    internal static string? LibraryFolder
    {
        get
        {
            var location = typeof(DependencyResolver).Assembly.Location;
            return string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
        }
    }

    /// <summary>Answers a request the context could not satisfy: FSharp.Core with the host's own copy,
    /// anything else with the file of that name next to CourseKit.dll. Null means "not mine".</summary>
    internal static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null) return null;
        if (AlreadyLoaded(name.Name) is { } loaded) return loaded;
        if (name.Name == FSharpCore && HostFSharpCore(context) is { } hostCopy) return hostCopy;
        return FromLibraryFolder(context, name.Name);
    }

    /// <summary>
    /// The copy of an assembly that is already loaded, in any context. Notebook hosts load CourseKit and its
    /// dependencies through Roslyn's script loader, into a context of its own; when a later submission's request
    /// reaches the default context, loading the file again would make a second CourseKit whose types differ
    /// from the first ("MissingFieldException: Field not found: 'Submission#2.machine'" in the next cell).
    /// </summary>
    private static Assembly? AlreadyLoaded(string simpleName) =>
        AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && a.GetName().Name == simpleName);

    private static Assembly? HostFSharpCore(AssemblyLoadContext context)
    {
        var loaded = context.Assemblies.FirstOrDefault(a => a.GetName().Name == FSharpCore);
        if (loaded is not null) return loaded;
        if (resolvingFSharpCore) return null; // the version-less request below came back to us: the host has none
        resolvingFSharpCore = true;
        try
        {
            return context.LoadFromAssemblyName(new AssemblyName(FSharpCore));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        finally
        {
            resolvingFSharpCore = false;
        }
    }

    private static Assembly? FromLibraryFolder(AssemblyLoadContext context, string simpleName)
    {
        if (LibraryFolder is not { } folder) return null;
        var path = Path.Combine(folder, simpleName + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}
