using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using static Dashboard.Api.Tests.Ingestion.IngestionApiFixture;

namespace Dashboard.Api.Tests.Ingestion;

public sealed class UploadsApiTests(IngestionApiFixture fx) : IClassFixture<IngestionApiFixture>
{
    static UploadsApiTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    private static byte[] Csv(params string[] rows) => Encoding.UTF8.GetBytes(CsvHeader + "\n" + string.Join("\n", rows) + "\n");

    [Fact]
    public async Task A_valid_csv_loads_and_the_run_and_observations_agree()
    {
        var answer = await fx.UploadAsync(HttpSource, Csv(Row("331024", "2024-09", 900, 1000), Row("331024", "2024-03", 850, 1000, revision: 2)), "valid.csv");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        var run = answer.Json.GetProperty("run");
        var runId = run.GetProperty("id").GetString()!;
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal(2, run.GetProperty("rowsLoaded").GetInt64());
        Assert.Equal([2, 3], answer.Json.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowNumber").GetInt32()));
        Assert.All(answer.Json.GetProperty("rows").EnumerateArray(), r => Assert.True(r.GetProperty("loaded").GetBoolean()));

        var stored = await fx.GetAsync($"/api/runs/{runId}");
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.Equal("Succeeded", stored.Json.GetProperty("status").GetString());
        Assert.Equal("Upload", stored.Json.GetProperty("trigger").GetString());
        Assert.Equal(HttpSource, stored.Json.GetProperty("sourceId").GetString());
        Assert.Equal("valid.csv", stored.Json.GetProperty("fileName").GetString());
        Assert.Equal(2, stored.Json.GetProperty("rowsReceived").GetInt64());

        var observations = await fx.QueryAsync<(string Region, DateTime Period, decimal Numerator, decimal Denominator, uint Revision)>(
            "SELECT region_code, period, numerator, denominator, revision FROM observations FINAL WHERE run_id = @runId ORDER BY period", new { runId });
        Assert.Equal(stored.Json.GetProperty("rowsLoaded").GetInt64(), observations.Count);
        Assert.Equal(
            [("331024", new DateTime(2024, 3, 1), 850m, 1000m, 2u), ("331024", new DateTime(2024, 9, 1), 900m, 1000m, 1u)],
            observations);
    }

    [Fact]
    public async Task Invalid_rows_come_back_with_field_and_reason_and_are_listed_as_the_runs_rejections()
    {
        var answer = await fx.UploadAsync(HttpSource, Csv(
            Row("331024", "2023-09", 900, 1000),
            Row("331024", "2023-09", 1200, 1000),           // numerator > denominator
            Row("331024", "2023-10", 900, 1000),            // not a term month
            Row("331081", "2023-09", 900, 1000)),           // another county's region
            "mixed.csv");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        Assert.Equal("PartiallySucceeded", answer.Json.GetProperty("run").GetProperty("status").GetString());
        var rows = answer.Json.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([true, false, false, false], rows.Select(r => r.GetProperty("loaded").GetBoolean()));
        Assert.Equal(["", "numerator", "period", "region"], rows.Select(r => r.GetProperty("field").GetString()));
        Assert.All(rows.Skip(1), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("reason").GetString())));

        var runId = answer.Json.GetProperty("run").GetProperty("id").GetString();
        var rejections = await fx.GetAsync($"/api/runs/{runId}/rejections");
        Assert.Equal(HttpStatusCode.OK, rejections.Status);
        var listed = rejections.Json.EnumerateArray().ToList();
        Assert.Equal([3, 4, 5], listed.Select(r => r.GetProperty("rowNumber").GetInt32()));
        Assert.Equal(["numerator", "period", "region"], listed.Select(r => r.GetProperty("field").GetString()));
        Assert.Equal(rows.Skip(1).Select(r => r.GetProperty("reason").GetString()), listed.Select(r => r.GetProperty("reason").GetString()));
        Assert.Equal(Row("331024", "2023-09", 1200, 1000), listed[0].GetProperty("row").GetString());

        var page = await fx.GetAsync($"/api/runs/{runId}/rejections?limit=1&offset=1");
        Assert.Equal(4, Assert.Single(page.Json.EnumerateArray()).GetProperty("rowNumber").GetInt32());
    }

    [Fact]
    public async Task A_gb18030_csv_with_chinese_in_an_extra_trailing_column_loads()
    {
        var text = CsvHeader + ",备注\r\n" + Row("331024", "2021-09", 700, 1000) + ",城区学校（含民办转公办）\r\n";
        var bytes = Encoding.GetEncoding("GB18030").GetBytes(text);
        Assert.Throws<DecoderFallbackException>(() => { _ = new UTF8Encoding(false, true).GetString(bytes); });   // really not UTF-8
        var answer = await fx.UploadAsync(HttpSource, bytes, "仙居县报表.csv", contentType: "application/vnd.ms-excel");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        var run = answer.Json.GetProperty("run");
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        Assert.Equal(1, run.GetProperty("rowsLoaded").GetInt64());
        Assert.Equal("仙居县报表.csv", run.GetProperty("fileName").GetString());
        Assert.Equal(700m, await fx.ScalarAsync<decimal>("SELECT numerator FROM observations FINAL WHERE run_id = @id", new { id = run.GetProperty("id").GetString() }));
    }

    [Fact]
    public async Task An_xlsx_built_with_openxml_loads()
    {
        var bytes = Xlsx([
            FeedColumns,
            ["331024", "PUBLIC_ABSORPTION", "2020-09", "1800", "2000", "", "1", "2020-10-08T09:30:00+08:00"],
            ["331024", "PUBLIC_ABSORPTION", "2020-03", "1700", "2000", "", "1", "2020-04-08T09:30:00+08:00"],
        ]);
        var answer = await fx.UploadAsync(HttpSource, bytes, "report.xlsx", contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        var runId = answer.Json.GetProperty("run").GetProperty("id").GetString();
        Assert.Equal(2, answer.Json.GetProperty("run").GetProperty("rowsLoaded").GetInt64());
        Assert.Equal(3500m, await fx.ScalarAsync<decimal>("SELECT sum(numerator) FROM observations FINAL WHERE run_id = @runId", new { runId }));
    }

    [Fact]
    public async Task A_file_with_a_wrong_header_is_refused_whole_and_its_run_recorded_as_failed()
    {
        var answer = await fx.UploadAsync(HttpSource, Encoding.UTF8.GetBytes("地区,指标,时期\n331024,PUBLIC_ABSORPTION,2024-09\n"), "wrong.csv");
        answer.AssertProblem(HttpStatusCode.UnprocessableEntity, "表头");
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("file", out _), answer.Raw);
        var run = answer.Json.GetProperty("run");
        Assert.Equal("Failed", run.GetProperty("status").GetString());
        Assert.Equal(0, run.GetProperty("rowsReceived").GetInt64());

        var stored = await fx.GetAsync($"/api/runs/{run.GetProperty("id").GetString()}");
        Assert.Equal("Failed", stored.Json.GetProperty("status").GetString());
        Assert.Contains("表头", stored.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0UL, await fx.ScalarAsync<ulong>("SELECT count() FROM observations_raw WHERE run_id = @id", new { id = run.GetProperty("id").GetString() }));
    }

    [Theory]
    [InlineData(3 * MaxBytes, "announced.csv")]    // refused on its Content-Length, before the body is read
    [InlineData(MaxBytes + 1, "streamed.csv")]    // within the multipart allowance: refused while copying
    public async Task A_file_over_the_size_limit_is_a_413_and_records_no_run(long size, string name)
    {
        var bytes = new byte[size];
        var row = Encoding.UTF8.GetBytes(Row("331024", "2024-09", 1, 2) + "\n");
        for (var i = 0; i < bytes.Length; i++) bytes[i] = row[i % row.Length];
        var answer = await fx.UploadAsync(HttpSource, bytes, name);
        answer.AssertProblem(HttpStatusCode.RequestEntityTooLarge, MaxBytes.ToString("N0", CultureInfo.InvariantCulture));
        Assert.Contains("'file'", answer.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0UL, await fx.ScalarAsync<ulong>("SELECT count() FROM pull_runs WHERE file_name = @name", new { name }));
    }

    [Fact]
    public async Task A_file_exactly_at_the_size_limit_is_read()
    {
        var head = Csv(Row("331024", "2019-09", 1, 2));
        // Pad with blank lines (not rows) up to the limit exactly.
        var bytes = head.Concat(Enumerable.Repeat((byte)'\n', (int)(MaxBytes - head.Length))).ToArray();
        var answer = await fx.UploadAsync(HttpSource, bytes, "exact.csv");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        Assert.Equal(1, answer.Json.GetProperty("run").GetProperty("rowsLoaded").GetInt64());
    }

    [Fact]
    public async Task A_form_without_the_file_field_is_a_400_naming_file()
    {
        var answer = await fx.UploadAsync(HttpSource, Csv(Row("331024", "2024-09", 1, 2)), "data.csv", field: "upload");
        answer.AssertProblem(HttpStatusCode.BadRequest, "'file'");
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty("file", out _), answer.Raw);
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_is_a_400_naming_file()
    {
        using var json = new StringContent("""{"file":"x"}""", Encoding.UTF8, "application/json");
        var answer = await fx.PostAsync($"/api/sources/{HttpSource}/uploads", json);
        answer.AssertProblem(HttpStatusCode.BadRequest, "'file'");
    }

    [Theory]
    [InlineData("data.txt")]
    [InlineData("data.xls")]
    [InlineData("data")]
    public async Task A_file_that_is_not_csv_or_xlsx_is_a_400_naming_file_and_records_no_run(string name)
    {
        var answer = await fx.UploadAsync(HttpSource, Csv(Row("331024", "2024-09", 1, 2)), name);
        answer.AssertProblem(HttpStatusCode.BadRequest, "'file'");
        Assert.Equal(0UL, await fx.ScalarAsync<ulong>("SELECT count() FROM pull_runs WHERE file_name = @name", new { name }));
    }

    [Fact]
    public async Task An_upload_for_an_unknown_source_is_a_404_problem()
    {
        var answer = await fx.UploadAsync("331099-nope", Csv(Row("331024", "2024-09", 1, 2)), "data.csv");
        answer.AssertProblem(HttpStatusCode.NotFound, "331099-nope");
        Assert.Equal(0UL, await fx.ScalarAsync<ulong>("SELECT count() FROM pull_runs WHERE source_id = '331099-nope'"));
    }

    [Fact]
    public async Task A_file_source_accepts_uploads_for_its_own_region_only()
    {
        var answer = await fx.UploadAsync(FileSource, Csv(Row("331081", "2018-09", 5, 10), Row("331024", "2018-09", 5, 10)), "wenling.csv");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        Assert.Equal(FileSource, answer.Json.GetProperty("run").GetProperty("sourceId").GetString());
        Assert.Equal([true, false], answer.Json.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("loaded").GetBoolean()));
        Assert.Equal("region", answer.Json.GetProperty("rows")[1].GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_template_is_the_contract_header_and_an_example_row_in_utf8_with_bom()
    {
        using var client = fx.Client();
        using var response = await client.GetAsync(new Uri("/api/uploads/template.csv", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(CsvHeader, lines[0]);
        Assert.Equal(8, lines[1].Split(',').Length);

        // The template itself is a loadable file: uploading it reads the example row (another county's, so quarantined).
        var answer = await fx.UploadAsync(HttpSource, bytes, "template.csv");
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Raw);
        var row = Assert.Single(answer.Json.GetProperty("rows").EnumerateArray());
        Assert.Equal("region", row.GetProperty("field").GetString());
    }

    private static readonly string[] FeedColumns = CsvHeader.Split(',');

    private static byte[] Xlsx(string[][] rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            for (var r = 0; r < rows.Length; r++)
            {
                var row = new Row { RowIndex = (uint)(r + 1) };
                for (var c = 0; c < rows[r].Length; c++)
                {
                    if (rows[r][c].Length == 0) continue;
                    var numeric = r > 0 && c is 3 or 4 or 6;
                    row.Append(new Cell
                    {
                        CellReference = $"{(char)('A' + c)}{r + 1}",
                        DataType = numeric ? CellValues.Number : CellValues.String,
                        CellValue = new CellValue(rows[r][c]),
                    });
                }
                data.Append(row);
            }
            sheetPart.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "数据" }));
        }
        return stream.ToArray();
    }
}

public sealed class RunsApiTests(IngestionApiFixture fx) : IClassFixture<IngestionApiFixture>
{
    [Fact]
    public async Task An_unknown_run_and_its_rejections_are_404s_naming_it()
    {
        (await fx.GetAsync("/api/runs/0123456789abcdef")).AssertProblem(HttpStatusCode.NotFound, "0123456789abcdef");
        (await fx.GetAsync("/api/runs/0123456789abcdef/rejections")).AssertProblem(HttpStatusCode.NotFound, "0123456789abcdef");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=x", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=1.5", "offset")]
    public async Task Rejection_paging_out_of_range_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var answer = (await fx.GetAsync($"/api/runs/any/rejections?{query}")).AssertProblem(HttpStatusCode.BadRequest, $"'{parameter}'");
        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(parameter, out _), answer.Raw);
    }

    [Fact]
    public async Task A_run_without_rejections_lists_none_and_its_times_are_utc()
    {
        var csv = Encoding.UTF8.GetBytes(CsvHeader + "\n" + Row("331024", "2017-09", 1, 2) + "\n");
        var upload = await fx.UploadAsync(HttpSource, csv, "clean.csv");
        var runId = upload.Json.GetProperty("run").GetProperty("id").GetString();
        var run = await fx.GetAsync($"/api/runs/{runId}");
        Assert.EndsWith("Z", run.Json.GetProperty("startedAt").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, run.Json.GetProperty("finishedAt").ValueKind);
        var rejections = await fx.GetAsync($"/api/runs/{runId}/rejections");
        Assert.Equal(HttpStatusCode.OK, rejections.Status);
        Assert.Equal(0, rejections.Json.GetArrayLength());
    }
}
