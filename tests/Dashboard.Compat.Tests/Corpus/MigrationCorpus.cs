using System.Text;
using Dashboard.ClickHouse.Sql;

namespace Dashboard.Compat.Tests.Corpus;

/// <summary>One statement of a migration file, split as ClickHouseMigrator splits it.</summary>
/// <param name="Key">File name and statement number, e.g. <c>0003_seed_shared.sql #2</c>.</param>
/// <param name="Sql">The statement.</param>
public sealed record MigrationStatement(string Key, string Sql);

/// <summary>Every statement of every file of sql/ (copied next to the tests), in the order the migrator applies them.</summary>
public static class MigrationCorpus
{
    /// <summary>The statements.</summary>
    public static IReadOnlyList<MigrationStatement> All { get; } = Build();

    private static List<MigrationStatement> Build()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "sql");
        var list = new List<MigrationStatement>();
        // The migrator's order: file names, ordinally.
        foreach (var path in Directory.EnumerateFiles(folder, "*.sql").Order(StringComparer.Ordinal))
        {
            var statements = SqlText.SplitStatements(File.ReadAllText(path, Encoding.UTF8));
            for (var i = 0; i < statements.Count; i++)
                list.Add(new MigrationStatement($"{Path.GetFileName(path)} #{i + 1}", statements[i]));
        }
        return list;
    }
}
