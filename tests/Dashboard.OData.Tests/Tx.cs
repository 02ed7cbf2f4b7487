using Dashboard.OData.Translation;

namespace Dashboard.OData.Tests;

/// <summary>Shared helpers: translate with default options and the common SQL prefixes.</summary>
public static class Tx
{
    public static readonly ODataSqlTranslator Default = new();

    public const string ObsColumns =
        "SELECT `region_code` AS `RegionCode`, `indicator_code` AS `IndicatorCode`, `period` AS `Period`, " +
        "`numerator` AS `Numerator`, `denominator` AS `Denominator`, `value` AS `Value`, `revision` AS `Revision`, " +
        "`source_id` AS `SourceId`, `run_id` AS `RunId`, `updated_at` AS `UpdatedAt`, `loaded_at` AS `LoadedAt` FROM observations FINAL";

    public const string ObsKeyOrder = "`region_code` ASC, `indicator_code` ASC, `period` ASC";

    public static TranslatedQuery Obs(string query) => Default.Translate("Observations", "Observations" + query);

    /// <summary>The WHERE clause of a default Observations query (between FROM … and ORDER BY).</summary>
    public static string ObsWhere(string query)
    {
        var sql = Obs(query).Sql;
        Assert.StartsWith(ObsColumns, sql, StringComparison.Ordinal);
        var rest = sql[ObsColumns.Length..];
        var orderAt = rest.IndexOf(" ORDER BY ", StringComparison.Ordinal);
        return rest[..orderAt].Trim();
    }

    public static ODataTranslationException Fails(string entitySet, string query) =>
        Assert.Throws<ODataTranslationException>(() => Default.Translate(entitySet, entitySet + query));
}
