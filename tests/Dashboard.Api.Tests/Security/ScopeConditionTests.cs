using Dapper;
using Dashboard.Api.OData;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Storage;
using Dashboard.Security.Jurisdiction;
using Dashboard.Testing;

namespace Dashboard.Api.Tests.Security;

/// <summary>
/// The two SQL forms of a jurisdiction (DataScope): listing the scope's parent regions from the in-memory
/// hierarchy must select exactly what the region_closure view selects, on the real ClickHouse and seeded catalogue.
/// </summary>
public class ScopeConditionTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static TheoryData<string[]> Scopes => new()
    {
        { ["320583"] }, { ["320500"] }, { ["331000"] }, { ["320583", "331002"] }, { ["320000"] }, { [] }, { ["NOPE01"] },
    };

    [Theory]
    [MemberData(nameof(Scopes))]
    public async Task The_listed_form_selects_what_the_closure_view_selects(string[] roots)
    {
        await using var db = await TestDatabase.CreateAsync("api_scope_forms", Schema.Full);
        var ch = new ClickHouseDatabase(db.ConnectionString);
        using var hierarchy = new RegionHierarchy(new CatalogueStore(ch), TimeProvider.System);
        var expanded = await hierarchy.ExpandAsync(roots, Ct);
        var closure = new DataScope(roots, []);
        var listed = new DataScope(roots, [], expanded);
        Assert.DoesNotContain("region_closure", listed.ConditionFor("Regions")!.Sql, StringComparison.Ordinal);
        // The same parents padded with codes no region has, past the literal-list size: the split-string form.
        var padded = expanded with { Parents = [.. expanded.Parents, .. Enumerable.Range(0, DataScope.MaxLiteralParents + 1).Select(i => $"ZZ{i:D6}")] };
        var split = new DataScope(roots, [], padded);
        Assert.Contains("splitByChar", split.ConditionFor("Regions")!.Sql, StringComparison.Ordinal);

        foreach (var set in new[] { "Regions", "Observations" })
        {
            var a = await CodesAsync(ch, closure.ConditionFor(set)!, set);
            var b = await CodesAsync(ch, listed.ConditionFor(set)!, set);
            Assert.Equal(a, b);
            Assert.Equal(a, await CodesAsync(ch, split.ConditionFor(set)!, set));
            // Inside the jurisdiction (Observations' form) is exactly the expanded set, as far as the catalogue knows it.
            if (set == "Observations") Assert.Equal(expanded.Regions.Where(r => r != "NOPE01").Order(StringComparer.Ordinal), b);
        }
    }

    [Fact]
    public async Task A_school_moved_out_of_the_jurisdiction_leaves_it_at_once_even_with_a_cached_expansion()
    {
        await using var db = await TestDatabase.CreateAsync("api_scope_move", Schema.Full);
        var ch = new ClickHouseDatabase(db.ConnectionString);
        await using (var c = await ch.OpenAsync(Ct))
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES ('320583100001', '某校', 'School', '320583100', '', 'test')");
        using var hierarchy = new RegionHierarchy(new CatalogueStore(ch), TimeProvider.System);
        var kunshan = new DataScope(["320583"], [], await hierarchy.ExpandAsync(["320583"], Ct));
        Assert.Contains("320583100001", await CodesAsync(ch, kunshan.ConditionFor("Observations")!, "Observations"));

        // The school moves to a town of another county; the expansion above is not read again.
        await using (var c = await ch.OpenAsync(Ct))
            await c.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code, kind, provenance) VALUES ('320583100001', '某校', 'School', '331002001', '', 'test')");
        Assert.DoesNotContain("320583100001", await CodesAsync(ch, kunshan.ConditionFor("Observations")!, "Observations"));
    }

    // The condition applied to the catalogue's own codes, under the column name the set's condition uses.
    private static async Task<List<string>> CodesAsync(ClickHouseDatabase ch, Dashboard.OData.Translation.SqlCondition condition, string set)
    {
        var column = set == "Regions" ? "code" : "region_code";
        await using var c = await ch.OpenAsync(Ct);
        var sql = $"SELECT {column} FROM (SELECT code AS {column} FROM regions FINAL) WHERE {condition.Sql} ORDER BY {column}";
        return (await c.QueryAsync<string>(new CommandDefinition(sql, new DynamicParameters(condition.Parameters), cancellationToken: Ct))).ToList();
    }
}
