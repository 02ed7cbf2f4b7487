using System.Globalization;
using System.Text;
using System.Xml;
using Dashboard.Api.Security;
using Dashboard.ClickHouse.Ado;
using Dashboard.Data.Catalogue;
using Dashboard.Data.Scorecard;
using Dashboard.Data.Storage;
using Dashboard.OData.Model;
using Dashboard.OData.Translation;
using Dashboard.Security.Audit;
using Dashboard.Security.Users;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.OData.Edm;
using Microsoft.OData.Edm.Csdl;
using Microsoft.OData.Edm.Validation;

namespace Dashboard.Api.OData;

/// <summary>
/// The OData v4 service at /odata (shared/contracts/odata.md): service document, $metadata, and every
/// entity set with its query options, key lookups and the /$count segment. Each request becomes one
/// ClickHouse statement (plus one count for $count=true) built by <see cref="ODataSqlTranslator"/>; rows
/// stream from ClickHouse to the client without being held, filtered, sorted or aggregated here.
/// </summary>
internal static class ODataEndpoints
{
    public const string Prefix = "/odata";

    private static readonly Lazy<byte[]> Csdl = new(WriteCsdl);

    public static IEndpointRouteBuilder MapOData(this IEndpointRouteBuilder app)
    {
        // Any signed-in caller may read the service document and $metadata; each set checks its own policy.
        var group = app.MapGroup(Prefix).ExcludeFromDescription().RequireAuthorization().RequireRateLimiting(ApiSecurity.ODataRateLimit);
        group.MapGet("", ServiceDocumentAsync);
        group.MapGet("/$metadata", MetadataAsync);
        group.MapGet("/{**path}", QueryAsync);
        return app;
    }

    private static async Task ServiceDocumentAsync(HttpContext context, CancellationToken ct)
    {
        ODataJson.StartJson(context.Response, ieee754: false);
        await ODataJson.WriteServiceDocumentAsync(context.Response, ServiceRoot(context.Request) + "$metadata",
            EntitySetMaps.All.Select(m => m.EntitySet), ct);
    }

    private static async Task MetadataAsync(HttpContext context, CancellationToken ct)
    {
        context.Response.ContentType = "application/xml;charset=utf-8";
        context.Response.Headers["OData-Version"] = "4.0";
        await context.Response.Body.WriteAsync(Csdl.Value, ct);
    }

    private static byte[] WriteCsdl()
    {
        using var stream = new MemoryStream();
        using (var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true }))
        {
            if (!CsdlWriter.TryWriteCsdl(EdmModelBuilder.Model, xml, CsdlTarget.OData, out IEnumerable<EdmError> errors))
                throw new InvalidOperationException("The EDM model does not serialise: " + string.Join("; ", errors.Select(e => e.ErrorMessage)));
        }
        return stream.ToArray();
    }

    private static async Task QueryAsync(HttpContext context, ODataSqlTranslator translator, ODataReadDatabase readDatabase,
        ScorecardResultStore scorecards, IOptions<ODataApiOptions> options, TimeProvider clock,
        ScopeResolver scopes, ApiAudit audit, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Dashboard.Api.OData");
        var request = context.Request;
        var relative = RelativeTarget(context);
        var setName = SetName(relative);
        var map = EntitySetMaps.All.FirstOrDefault(m => string.Equals(m.EntitySet, setName, StringComparison.OrdinalIgnoreCase));
        if (map is null)
        {
            await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "NotFound",
                $"There is no entity set named '{setName}'. The sets are: {string.Join(", ", EntitySetMaps.All.Select(m => m.EntitySet))}.", ct);
            return;
        }

        // The audit trail is the audit administrator's alone; every other set is indicator data.
        var principal = (SecurityPrincipal)context.Items[TokenAuthenticationHandler.PrincipalItem]!;
        var policy = map.EntitySet == EntitySetMaps.AuditEvents.EntitySet ? Policies.ReadAudit : Policies.ReadData;
        if (!Policies.Allows(policy, principal.Roles))
        {
            await audit.DeniedAsync(context, $"role may not read {map.EntitySet}", ct);
            await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status403Forbidden, "Forbidden",
                $"Your role may not read {map.EntitySet}.", ct);
            return;
        }
        // Jurisdiction: a code-built condition ANDed before anything the query says (the audit trail has no region).
        DataScope? scope = policy == Policies.ReadAudit ? null : (await scopes.ForRequestAsync(context)).Scope;
        var condition = scope?.ConditionFor(map.EntitySet);
        string? source = null;
        string? snapshotId = null;
        if (map.EntitySet == EntitySetMaps.Scorecard.EntitySet)
        {
            var snapshot = await ScorecardSnapshotAsync(context, scorecards, scope, clock, ct);
            if (snapshot is null) return;
            snapshotId = snapshot.Id;
            source = "scorecard_results";
            var parameters = new Dictionary<string, object?>(StringComparer.Ordinal) { ["snapshot"] = snapshot.Id };
            var sql = "snapshot_id = @snapshot";
            if (condition is not null)
            {
                foreach (var (k, v) in condition.Parameters) parameters[k] = v;
                sql += " AND (" + condition.Sql + ")";
            }
            condition = new SqlCondition(sql, parameters);
        }

        TranslatedQuery query;
        try
        {
            query = translator.Translate(map.EntitySet, relative, condition, source);
        }
        catch (ODataTranslationException ex)
        {
            logger.LogInformation("Refused OData query on {EntitySet}: {Code} {Message}", map.EntitySet, ex.Code, ex.Message);
            await audit.WriteAsync(context, AuditAction.QueryRejected, map.EntitySet, AuditResult.Failure,
                ex.Code + ": " + ex.Message + " | " + relative, ct);
            await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, ex.Code, ex.Message, ct);
            return;
        }

        var limits = options.Value;
        var ieee754 = ODataJson.WantsIeee754Strings(request);
        try
        {
            await using var connection = await readDatabase.Database.OpenAsync(ct);
            switch (query.Shape)
            {
                case QueryShape.Count:
                {
                    var count = await ScalarAsync(connection, query.Sql, query, limits, map.EntitySet, ct);
                    context.Response.ContentType = "text/plain;charset=utf-8";
                    context.Response.Headers["OData-Version"] = "4.0";
                    context.Response.Headers.CacheControl = "no-store";
                    await context.Response.WriteAsync(count.ToString(CultureInfo.InvariantCulture), ct);
                    return;
                }
                case QueryShape.Entity:
                {
                    await using var command = Command(connection, query.Sql, query, limits, map.EntitySet);
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    if (!await reader.ReadAsync(ct))
                    {
                        await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status404NotFound, "NotFound",
                            $"{map.EntitySet} has no entity with that key{(scope is null ? "" : " in your jurisdiction")}.", ct);
                        return;
                    }
                    ODataJson.StartJson(context.Response, ieee754);
                    await ODataJson.WriteEntityAsync(context.Response, Context(request, query), reader, query, ieee754, ct);
                    return;
                }
                default:
                {
                    long? total = query.CountSql is null ? null : await ScalarAsync(connection, query.CountSql, query, limits, map.EntitySet, ct);
                    await using var command = Command(connection, query.Sql, query, limits, map.EntitySet);
                    // The reader is opened before the first byte is sent, so a failing query still gets a
                    // proper status; a failure after that aborts the response rather than truncate it quietly.
                    await using var reader = await command.ExecuteReaderAsync(ct);
                    ODataJson.StartJson(context.Response, ieee754);
                    try
                    {
                        await ODataJson.WriteCollectionAsync(context.Response, Context(request, query), total, reader, query,
                            () => NextLink(request, query, snapshotId), ieee754, ct);
                    }
                    catch (ClickHouseException ex)
                    {
                        logger.LogWarning(ex, "OData response on {EntitySet} broke off mid-stream (query {QueryId})", map.EntitySet, ex.QueryId);
                        context.Abort();
                    }
                    return;
                }
            }
        }
        catch (ClickHouseException ex) when (!context.Response.HasStarted)
        {
            var (status, code, message) = Describe(ex, limits);
            logger.Log(status >= 500 ? LogLevel.Error : LogLevel.Information, ex,
                "OData query on {EntitySet} failed in ClickHouse (query {QueryId})", map.EntitySet, ex.QueryId);
            await ODataJson.WriteErrorAsync(context.Response, status, code, message, ct);
        }
        catch (HttpRequestException ex) when (!context.Response.HasStarted)
        {
            logger.LogError(ex, "ClickHouse is unreachable for an OData query on {EntitySet}", map.EntitySet);
            await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable",
                "The data store is not reachable; try again shortly.", ct);
        }
    }

    /// <summary>
    /// The Scorecard set's rows for the requested as-of date: the snapshot the nextLink names (so every page
    /// reads the same numbers), or a recent or new one for the caller's roots. Writes a 400 and returns null
    /// for a bad asOf or an expired snapshot.
    /// </summary>
    private static async Task<ScorecardSnapshot?> ScorecardSnapshotAsync(HttpContext context, ScorecardResultStore scorecards,
        DataScope? scope, TimeProvider clock, CancellationToken ct)
    {
        var request = context.Request;
        var asOfText = QueryValue(request, "asOf");
        DateOnly asOf;
        if (asOfText is null)
            asOf = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddHours(8)); // today in China (UTC+8, no DST)
        else if (!DateOnly.TryParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out asOf))
        {
            await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, ODataErrorCodes.InvalidQuery,
                $"asOf must be a date written yyyy-MM-dd, e.g. asOf=2023-06-30; '{asOfText}' is not.", ct);
            return null;
        }

        var snapshotText = QueryValue(request, "snapshot");
        if (snapshotText is not null)
        {
            var found = await scorecards.FindAsync(snapshotText, ct);
            if (found is null || found.AsOf != asOf)
            {
                await ODataJson.WriteErrorAsync(context.Response, StatusCodes.Status400BadRequest, ODataErrorCodes.InvalidQuery,
                    "The snapshot this link names has expired or does not match asOf; request the first page again.", ct);
                return null;
            }
            return found;
        }
        return await scorecards.GetOrComputeAsync(scope?.RegionRoots, asOf, ct);
    }

    // Sets that read a few thousand rows at most (a snapshot, the catalogue, the pre-summed groups of a few
    // regions): one thread each. Spreading such a read over every core costs more in thread start-up than it
    // saves, and under concurrent users the cores are better spent on other requests.
    private static readonly HashSet<string> SmallSets = new(StringComparer.Ordinal)
    {
        EntitySetMaps.Regions.EntitySet, EntitySetMaps.Indicators.EntitySet, EntitySetMaps.Targets.EntitySet,
        EntitySetMaps.Scorecard.EntitySet, EntitySetMaps.PullRuns.EntitySet, EntitySetMaps.RegionPeriodSums.EntitySet,
    };

    private static ClickHouseCommand Command(ClickHouseConnection connection, string sql, TranslatedQuery query, ODataApiOptions limits, string entitySet)
    {
        var command = connection.CreateCommand(sql);
        command.CommandTimeout = limits.QueryTimeoutSeconds;
        command.Settings["max_memory_usage"] = limits.MaxMemoryBytes.ToString(CultureInfo.InvariantCulture);
        if (SmallSets.Contains(entitySet)) command.Settings["max_threads"] = "1";
        // Defence in depth: whatever the translator produced, this statement cannot write (2 = read-only, settings allowed).
        command.Settings["readonly"] = "2";
        foreach (var (name, value) in query.Parameters) command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static async Task<long> ScalarAsync(ClickHouseConnection connection, string sql, TranslatedQuery query, ODataApiOptions limits, string entitySet, CancellationToken ct)
    {
        await using var command = Command(connection, sql, query, limits, entitySet);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static (int Status, string Code, string Message) Describe(ClickHouseException ex, ODataApiOptions limits) => ex switch
    {
        { Kind: ClickHouseErrorKind.Timeout } => (StatusCodes.Status400BadRequest, ODataErrorCodes.LimitExceeded,
            $"The query ran longer than the limit of {limits.QueryTimeoutSeconds.ToString(CultureInfo.InvariantCulture)} s. Narrow the $filter or aggregate with $apply."),
        // 241: MEMORY_LIMIT_EXCEEDED.
        { ServerCode: 241 } => (StatusCodes.Status400BadRequest, ODataErrorCodes.LimitExceeded,
            "The query needed more memory than one query may use. Narrow the $filter or group by fewer properties."),
        { Kind: ClickHouseErrorKind.Query or ClickHouseErrorKind.Syntax } => (StatusCodes.Status400BadRequest, ODataErrorCodes.InvalidQuery,
            $"The query could not be run (ClickHouse error {ex.ServerCode.ToString(CultureInfo.InvariantCulture)}, query id {ex.QueryId}). Check the types of the values compared."),
        _ => (StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable", "The data store could not answer; try again shortly."),
    };

    /// <summary>The request target after "/odata/", raw (still percent-encoded), as the URI parser wants it.</summary>
    private static string RelativeTarget(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || !raw.StartsWith('/'))
            raw = (context.Request.PathBase + context.Request.Path).ToUriComponent() + context.Request.QueryString.ToUriComponent();
        var pathBase = context.Request.PathBase.ToUriComponent();
        if (pathBase.Length > 0 && raw.StartsWith(pathBase, StringComparison.OrdinalIgnoreCase)) raw = raw[pathBase.Length..];
        return raw.Length > Prefix.Length ? raw[(Prefix.Length + 1)..] : "";
    }

    private static string SetName(string relative)
    {
        var end = relative.IndexOfAny(['(', '/', '?']);
        var name = end < 0 ? relative : relative[..end];
        return Uri.UnescapeDataString(name);
    }

    private static string? QueryValue(HttpRequest request, string name)
    {
        foreach (var (key, value) in request.Query)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value.ToString();
        }
        return null;
    }

    private static string ServiceRoot(HttpRequest request) =>
        $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}{Prefix}/";

    private static string Context(HttpRequest request, TranslatedQuery query) => ServiceRoot(request) + "$metadata#" + query.ContextFragment;

    /// <summary>
    /// The absolute link to the next page: the same request with every option kept as sent, $skip advanced by
    /// the page and $top reduced by it; Scorecard pages also name their snapshot.
    /// </summary>
    private static string NextLink(HttpRequest request, TranslatedQuery query, string? snapshotId)
    {
        var raw = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        var kept = new List<string>();
        foreach (var part in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(eq < 0 ? part : part[..eq]).Trim();
            if (name.Equals("$skip", StringComparison.OrdinalIgnoreCase) || name.Equals("$top", StringComparison.OrdinalIgnoreCase)
                || name.Equals("snapshot", StringComparison.OrdinalIgnoreCase)) continue;
            kept.Add(part);
        }
        var skip = query.Skip + query.PageSize;
        kept.Add("$skip=" + skip.ToString(CultureInfo.InvariantCulture));
        if (query.Top is { } top) kept.Add("$top=" + (top - query.PageSize).ToString(CultureInfo.InvariantCulture));
        if (snapshotId is not null) kept.Add("snapshot=" + snapshotId);
        return $"{request.Scheme}://{request.Host.ToUriComponent()}{(request.PathBase + request.Path).ToUriComponent()}?{string.Join("&", kept)}";
    }
}
