namespace Dashboard.Compat.Tests.ChDb;

/// <summary>Where libchdb.so is: <c>DASHBOARD_CHDB_LIB</c>, else <c>.local/chdb/libchdb.so</c> under the repository root (scripts/chdb.sh puts it there).</summary>
public static class ChDbLibrary
{
    /// <summary>The environment variable that names the library file.</summary>
    public const string EnvironmentVariable = "DASHBOARD_CHDB_LIB";

    /// <summary>The library's path.</summary>
    /// <exception cref="InvalidOperationException">Neither place has it: the suite cannot prove anything without the engine, so it fails rather than skips.</exception>
    public static string Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return File.Exists(fromEnv)
                ? fromEnv
                : throw new InvalidOperationException($"{EnvironmentVariable} names {fromEnv}, which does not exist. Run scripts/chdb.sh to fetch chDB.");
        }
        var root = RepositoryRoot();
        var local = root is null ? null : Path.Combine(root, ".local", "chdb", "libchdb.so");
        if (local is not null && File.Exists(local)) return local;
        throw new InvalidOperationException(
            $"chDB is missing: set {EnvironmentVariable} to a libchdb.so, or run scripts/chdb.sh (it fetches the pinned " +
            $"@chdb/lib-linux-x64-gnu with npm into .local/chdb/). Looked for {local ?? "<repository root not found>"}.");
    }

    /// <summary>The folder holding Dashboard.sln above the test binaries, or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dashboard.sln"))) return dir.FullName;
        }
        return null;
    }
}
