using System.Globalization;
using System.Text.Json;
using Dashboard.ClickHouse.Ado;
using Dashboard.OData.Translation;
using Microsoft.OData.Edm;

namespace Dashboard.Api.OData;

/// <summary>
/// Writes OData JSON (odata.metadata=minimal) straight from a ClickHouse reader into the response pipe:
/// rows are never collected in memory, and flushing is asynchronous.
/// </summary>
internal static class ODataJson
{
    /// <summary>The response content type of OData JSON payloads.</summary>
    public const string ContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

    private const string ContentTypeIeee = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=true;charset=utf-8";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    // Rows are pushed to the client in batches of this many, so a large page starts arriving at once.
    private const int FlushEvery = 200;

    /// <summary>True when the client asked for Int64 and Decimal as strings (IEEE754Compatible=true), as JavaScript clients do.</summary>
    public static bool WantsIeee754Strings(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("IEEE754Compatible=true", StringComparison.OrdinalIgnoreCase))
        || request.Query.TryGetValue("$format", out var f) && f.ToString().Contains("IEEE754Compatible=true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Prepares headers of a successful JSON answer.</summary>
    public static void StartJson(HttpResponse response, bool ieee754)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ieee754 ? ContentTypeIeee : ContentType;
        response.Headers["OData-Version"] = "4.0";
        // Data answers are not kept by browsers or proxies (they may be another user's view).
        response.Headers.CacheControl = "no-store";
    }

    /// <summary>Writes a collection answer: context, optional count, rows, optional next link.</summary>
    /// <returns>The number of rows written.</returns>
    public static async Task<int> WriteCollectionAsync(HttpResponse response, string context, long? count, ClickHouseDataReader reader,
        TranslatedQuery query, Func<string>? nextLink, bool ieee754, CancellationToken ct)
    {
        var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("@odata.context", context);
            if (count is { } n) WriteInt64(writer, "@odata.count", n, ieee754);
            writer.WritePropertyName("value");
            writer.WriteStartArray();
            var rows = 0;
            var ordinals = Ordinals(reader, query.Columns);
            while (rows < query.PageSize && await reader.ReadAsync(ct))
            {
                WriteEntity(writer, reader, query.Columns, ordinals, ieee754);
                rows++;
                if (rows % FlushEvery == 0)
                {
                    await writer.FlushAsync(ct);
                    await response.BodyWriter.FlushAsync(ct);
                }
            }
            // One row past the page tells whether there is a next page; it is read, not written.
            var more = rows == query.PageSize && await reader.ReadAsync(ct);
            writer.WriteEndArray();
            if (more && query.HasNextPage(rows + 1) && nextLink is not null) writer.WriteString("@odata.nextLink", nextLink());
            writer.WriteEndObject();
            await writer.FlushAsync(ct);
            await response.BodyWriter.FlushAsync(ct);
            return rows;
        }
    }

    /// <summary>Writes a single entity answer (the reader is positioned on its row).</summary>
    public static async Task WriteEntityAsync(HttpResponse response, string context, ClickHouseDataReader reader, TranslatedQuery query, bool ieee754, CancellationToken ct)
    {
        var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("@odata.context", context);
            WriteProperties(writer, reader, query.Columns, Ordinals(reader, query.Columns), ieee754);
            writer.WriteEndObject();
            await writer.FlushAsync(ct);
            await response.BodyWriter.FlushAsync(ct);
        }
    }

    /// <summary>Writes the service document: every entity set.</summary>
    public static async Task WriteServiceDocumentAsync(HttpResponse response, string context, IEnumerable<string> entitySets, CancellationToken ct)
    {
        var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("@odata.context", context);
            writer.WritePropertyName("value");
            writer.WriteStartArray();
            foreach (var set in entitySets)
            {
                writer.WriteStartObject();
                writer.WriteString("name", set);
                writer.WriteString("kind", "EntitySet");
                writer.WriteString("url", set);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(ct);
            await response.BodyWriter.FlushAsync(ct);
        }
    }

    /// <summary>Writes an OData JSON error: <c>{"error":{"code":…,"message":…}}</c>.</summary>
    public static async Task WriteErrorAsync(HttpResponse response, int status, string code, string message, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json;odata.metadata=minimal;charset=utf-8";
        response.Headers["OData-Version"] = "4.0";
        response.Headers.CacheControl = "no-store";
        var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteString("code", code);
            writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
            await writer.FlushAsync(ct);
            await response.BodyWriter.FlushAsync(ct);
        }
    }

    private static void WriteInt64(Utf8JsonWriter writer, string name, long value, bool ieee754)
    {
        if (ieee754) writer.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
        else writer.WriteNumber(name, value);
    }

    private static int[] Ordinals(ClickHouseDataReader reader, IReadOnlyList<OutputColumn> columns)
    {
        var ordinals = new int[columns.Count];
        for (var i = 0; i < columns.Count; i++) ordinals[i] = reader.GetOrdinal(columns[i].Name);
        return ordinals;
    }

    private static void WriteEntity(Utf8JsonWriter writer, ClickHouseDataReader reader, IReadOnlyList<OutputColumn> columns, int[] ordinals, bool ieee754)
    {
        writer.WriteStartObject();
        WriteProperties(writer, reader, columns, ordinals, ieee754);
        writer.WriteEndObject();
    }

    private static void WriteProperties(Utf8JsonWriter writer, ClickHouseDataReader reader, IReadOnlyList<OutputColumn> columns, int[] ordinals, bool ieee754)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            var ordinal = ordinals[i];
            writer.WritePropertyName(column.Name);
            if (reader.IsDBNull(ordinal))
            {
                writer.WriteNullValue();
                continue;
            }
            if (column.IsCollection)
            {
                writer.WriteStartArray();
                if (reader.GetValue(ordinal) is System.Collections.IEnumerable items)
                {
                    foreach (var item in items) WriteScalar(writer, column.Kind, item, ieee754);
                }
                writer.WriteEndArray();
                continue;
            }
            WriteScalar(writer, column.Kind, reader.GetValue(ordinal), ieee754);
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, EdmPrimitiveTypeKind kind, object? value, bool ieee754)
    {
        switch (value)
        {
            case null or DBNull:
                writer.WriteNullValue();
                return;
        }
        switch (kind)
        {
            case EdmPrimitiveTypeKind.String:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
            case EdmPrimitiveTypeKind.Boolean:
                writer.WriteBooleanValue(value is bool b ? b : Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0);
                break;
            case EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Byte or EdmPrimitiveTypeKind.SByte:
                var l = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                if (ieee754 && kind == EdmPrimitiveTypeKind.Int64) writer.WriteStringValue(l.ToString(CultureInfo.InvariantCulture));
                else writer.WriteNumberValue(l);
                break;
            case EdmPrimitiveTypeKind.Decimal:
                var d = Normalize(Convert.ToDecimal(value, CultureInfo.InvariantCulture));
                if (ieee754) writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                else writer.WriteNumberValue(d);
                break;
            case EdmPrimitiveTypeKind.Double or EdmPrimitiveTypeKind.Single:
                writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case EdmPrimitiveTypeKind.Date:
                writer.WriteStringValue(value switch
                {
                    DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    DateTime dt => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                });
                break;
            case EdmPrimitiveTypeKind.DateTimeOffset:
                writer.WriteStringValue(value switch
                {
                    // ClickHouse DateTimes are read as UTC instants.
                    DateTime dt => DateTime.SpecifyKind(dt, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                });
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    // Decimal(18, 4) columns read as 0.9000; dividing by 1.000…0 drops the trailing zeros (0.9), which is
    // what OData clients and people expect to see.
    private static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;
}
