using System.Runtime.CompilerServices;
using CourseKit.Display;

namespace CourseKit.Views;

/// <summary>
/// Fills the core's <see cref="DisplayRegistry"/> with the views when CourseKit.dll loads, so every value a
/// lesson ends a cell with draws itself after a plain <c>#r</c> (no kernel extension runs on <c>#r</c>).
/// </summary>
internal static partial class Registrations
{
#pragma warning disable CA2255 // a library module initializer is the point: #r runs no extension code
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        DisplayRegistry.Register<Stepper>(Stepper.Html, s => s.ToString());
        DisplayRegistry.Register<StepFrame>(f => StepFrame.Html(f), f => f.ToString());
        DisplayRegistry.Register<Filmstrip>(Filmstrip.Html, f => f.ToString());
        DisplayRegistry.Register<View>(v => v.Html, v => v.Text);
        RegisterCore();
    }

    /// <summary>The core's values (snapshots, logs, results): see CoreRegistrations.cs.</summary>
    static partial void RegisterCore();
}
