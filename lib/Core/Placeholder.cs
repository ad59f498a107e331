namespace CourseKit.Core;
internal static class Placeholder { }
