namespace CourseKit.Memory;

/// <summary>
/// User-space state that a real process keeps in its memory but the simulator keeps beside the pages (the C
/// library's stdio buffers). It belongs to the image: fork copies it with the memory, CLONE_VM shares it (the
/// same address space), and exec and exit throw it away with the image. The files layer provides it.
/// </summary>
public interface IUserSpaceState
{
    /// <summary>fork's copy (what the child finds in its copy of the parent's memory).</summary>
    IUserSpaceState CopyForFork();
}
