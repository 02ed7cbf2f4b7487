using Dashboard.Api.OData;
using Dashboard.ClickHouse.Ado;
using Dashboard.Compat.Tests.Corpus;
using Dashboard.OData.Model;
using Dashboard.OData.Translation;
using Dashboard.Security.Jurisdiction;

namespace Dashboard.Compat.Tests;

/// <summary>
/// Every query shape of the OData corpus (page statement and, with <c>$count=true</c>, the count statement)
/// runs on the modern engine over the seeded data, bound by the provider exactly as the api binds it, and
/// answers as ClickHouse 18.16 does.
/// </summary>
[Collection(ChDbTests.Name)]
public sealed class ODataQueryTests(CompatFixture fixture)
{
    private static readonly ODataSqlTranslator Translator = new();

    /// <summary>The corpus, one test case per request.</summary>
    public static TheoryData<string, string, ScopeKind> Requests()
    {
        var data = new TheoryData<string, string, ScopeKind>();
        foreach (var c in ODataCorpus.All) data.Add(c.EntitySet, c.PathAndQuery, c.Scope);
        return data;
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task OData_query_runs_on_chDB_as_on_18_16(string entitySet, string pathAndQuery, ScopeKind scope)
    {
        var modern = await RunAsync(fixture.Stores, entitySet, pathAndQuery, scope);
        if (fixture.Reference is not { } reference) return;
        var old = await RunAsync(reference, entitySet, pathAndQuery, scope);
        Report.AssertSameRows(pathAndQuery, Comparable(entitySet, old), Comparable(entitySet, modern));
    }

    [Fact]
    public void Corpus_covers_every_entity_set_and_scope()
    {
        Assert.Equal(EntitySetMaps.All.Select(m => m.EntitySet).Order(), ODataCorpus.All.Select(c => c.EntitySet).Distinct().Order());
        Assert.True(ODataCorpus.All.Count >= 60);
        // Distinct shapes: the statements with their parameter values left as placeholders.
        var shapes = ODataCorpus.All.Select(c => Translator.Translate(c.EntitySet, c.PathAndQuery, Scope(c.EntitySet, c.Scope, "s"), Source(c.EntitySet)).Sql).Distinct().Count();
        Assert.True(shapes >= 60, $"only {shapes} distinct statements");
    }

    private static async Task<List<string>> RunAsync(StoreContext stores, string entitySet, string pathAndQuery, ScopeKind scope)
    {
        var query = Translator.Translate(entitySet, pathAndQuery, Scope(entitySet, scope, stores.SnapshotId), Source(entitySet));
        var rows = await ReadAsync(stores.ConnectionString, query.Sql, query);
        if (query.CountSql is not null) rows.AddRange((await ReadAsync(stores.ConnectionString, query.CountSql, query)).Select(r => "count: " + r));
        return rows;
    }

    // Ids the stores generate per run (rejection ids, the retention event's id) differ between the two
    // databases; those columns are masked, and as rows ordered by them come in a different order, sorted.
    private static List<string> Comparable(string entitySet, List<string> rows)
    {
        var volatileColumn = entitySet switch { "Rejections" => "Id", "AuditEvents" => "EventId", _ => null };
        if (volatileColumn is null || rows.Count == 0) return rows;
        var at = Array.IndexOf(rows[0].Split('|'), volatileColumn);
        if (at < 0) return rows;
        var masked = rows.Skip(1).Select(r =>
        {
            var cells = r.Split('|');
            if (cells.Length > at) cells[at] = "*";
            return string.Join("|", cells);
        });
        return [rows[0], .. masked.Order(StringComparer.Ordinal)];
    }

    private static string? Source(string entitySet) => entitySet == EntitySetMaps.Scorecard.EntitySet ? "scorecard_results" : null;

    // The api's composition (ODataEndpoints): the jurisdiction from DataScope, and for Scorecard the snapshot first.
    private static SqlCondition? Scope(string entitySet, ScopeKind kind, string? snapshotId)
    {
        var scope = kind switch
        {
            ScopeKind.Kunshan => new DataScope(["320583"], ["kunshan-feed"]),
            ScopeKind.Empty => new DataScope([], []),
            // As RegionHierarchy expands 320583 over the seeded catalogue (its towns have no sub-regions).
            ScopeKind.KunshanListed => new DataScope(["320583"], ["kunshan-feed"],
                new ExpandedScope(new HashSet<string>(["320583"]), new HashSet<string>(["320000", "320500", "320583"]), ["320583"])),
            ScopeKind.KunshanSplit => new DataScope(["320583"], ["kunshan-feed"],
                new ExpandedScope(new HashSet<string>(["320583"]), new HashSet<string>(["320000", "320500", "320583"]),
                    ["320583", .. Enumerable.Range(0, DataScope.MaxLiteralParents + 1).Select(i => $"ZZ{i:D6}")])),
            _ => null,
        };
        var condition = scope?.ConditionFor(entitySet);
        if (entitySet != EntitySetMaps.Scorecard.EntitySet) return condition;
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal) { ["snapshot"] = snapshotId ?? "" };
        var sql = "snapshot_id = @snapshot";
        if (condition is not null)
        {
            foreach (var (k, v) in condition.Parameters) parameters[k] = v;
            sql += " AND (" + condition.Sql + ")";
        }
        return new SqlCondition(sql, parameters);
    }

    private static async Task<List<string>> ReadAsync(string connectionString, string sql, TranslatedQuery query)
    {
        await using var c = new ClickHouseConnection(connectionString);
        await c.OpenAsync();
        await using var command = c.CreateCommand(sql);
        foreach (var (name, value) in query.Parameters) command.Parameters.AddWithValue(name, value);
        var rows = new List<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)));
            while (await reader.ReadAsync())
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => StoreSteps.Text(reader.GetValue(i)))));
        }
        catch (ClickHouseException e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- statement as sent to {c.ServerVersion} ---\n{command.BuildSql()}", e);
        }
        return rows;
    }
}
