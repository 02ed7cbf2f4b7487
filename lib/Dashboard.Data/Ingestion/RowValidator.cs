using System.Globalization;
using Dashboard.Data.Catalogue;

namespace Dashboard.Data.Ingestion;

/// <summary>A valid observation, ready to store.</summary>
public sealed record Observation(string RegionCode, string IndicatorCode, DateOnly Period, decimal? Numerator, decimal? Denominator,
    decimal? Value, uint Revision, DateTime UpdatedAt);

/// <summary>A row that failed validation: the raw row, the field at fault and a reason a district officer can act on.</summary>
public sealed record Rejection(int RowNumber, string Raw, string RegionCode, string Field, string Reason);

/// <summary>
/// The district feed contract's row rules, one place for HTTP pages, CSV and XLSX: required fields and
/// their types, known region (within the source's area) and indicator, period format for the
/// indicator's periodicity and not after the pull date, no negative numbers, numerator ≤ denominator for
/// shares (unit %; rates such as funds per pupil are ratios whose numerator is larger by nature).
/// </summary>
public sealed class RowValidator(
    IReadOnlyDictionary<string, Indicator> indicators, IReadOnlySet<string> knownRegions, IReadOnlySet<string>? sourceRegions, DateOnly pullDate)
{
    private const decimal MaxMagnitude = 100_000_000_000_000m; // Decimal(18, 4) holds 14 integer digits

    /// <summary>Validates one row; exactly one of the outputs is set.</summary>
    public bool TryValidate(FeedRow row, out Observation? observation, out Rejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(row);
        observation = null;
        var reason = Check(row, out var field, out observation);
        rejection = reason is null ? null : new Rejection(row.RowNumber, row.Raw, row.RegionText, field, reason);
        return reason is null;
    }

    private string? Check(FeedRow row, out string field, out Observation? observation)
    {
        observation = null;
        field = "region";
        if (Text(row.Region, "region") is { Error: { } e1 }) return e1;
        var region = row.Region.Text!;
        if (!knownRegions.Contains(region)) return $"region {region} 不是已登记的地区代码";
        if (sourceRegions is not null && !sourceRegions.Contains(region)) return $"region {region} 不属于本数据源负责的地区";

        field = "indicator";
        if (Text(row.Indicator, "indicator") is { Error: { } e2 }) return e2;
        var code = row.Indicator.Text!;
        if (!indicators.TryGetValue(code, out var indicator)) return $"indicator {code} 不是已登记的指标代码";

        field = "period";
        if (Text(row.Period, "period") is { Error: { } e3 }) return e3;
        if (ParsePeriod(row.Period.Text!, indicator) is not { } period)
            return indicator.Periodicity switch
            {
                Periodicity.Year => $"period {row.Period.Text} 格式错误：按年报送的指标 {code} 应写作 YYYY",
                Periodicity.Term => $"period {row.Period.Text} 格式错误：按学期报送的指标 {code} 应写作 YYYY-03（春季）或 YYYY-09（秋季）",
                _ => $"period {row.Period.Text} 格式错误：按月报送的指标 {code} 应写作 YYYY-MM",
            };
        if (period > pullDate) return $"period {row.Period.Text} 晚于拉取日期 {pullDate:yyyy-MM-dd}，不能报送未来期间的数据";

        decimal? numerator = null, denominator = null, value = null;
        if (indicator.Kind == IndicatorKind.Ratio)
        {
            field = "numerator";
            if (Number(row.Numerator, "numerator", required: true, out numerator) is { } e4) return e4;
            field = "denominator";
            if (Number(row.Denominator, "denominator", required: true, out denominator) is { } e5) return e5;
            // A share (unit %) cannot exceed its whole; a rate such as 元/生·年 or 倍 can.
            field = "numerator";
            if (indicator.Unit == "%" && numerator > denominator)
                return $"numerator {numerator} 大于 denominator {denominator}：比例指标 {code} 的分子不能超过分母";
        }
        else
        {
            field = "value";
            if (Number(row.Value, "value", required: true, out value) is { } e6) return e6;
        }

        field = "revision";
        if (row.Revision.Kind is FieldKind.Missing or FieldKind.Null) return "缺少必填字段 revision";
        if (!FeedRow.TryNumber(row.Revision, out var rev) || rev < 0 || rev != decimal.Truncate(rev) || rev > uint.MaxValue)
            return $"revision 应为非负整数，收到 {row.Revision}";

        field = "updatedAt";
        if (Text(row.UpdatedAt, "updatedAt") is { Error: { } e7 }) return e7;
        if (!DateTimeOffset.TryParse(row.UpdatedAt.Text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var updated)
            || !HasOffset(row.UpdatedAt.Text!))
            return $"updatedAt 应为带时区的 ISO-8601 时间（如 2025-10-08T09:30:00+08:00），收到 {row.UpdatedAt}";

        field = "";
        observation = new Observation(region, code, period, numerator, denominator, value, (uint)rev, updated.UtcDateTime);
        return null;
    }

    private static (string? Error, bool Ok) Text(RawField f, string name) => f.Kind switch
    {
        FieldKind.Missing or FieldKind.Null => ($"缺少必填字段 {name}", false),
        FieldKind.JsonString or FieldKind.Text when !string.IsNullOrWhiteSpace(f.Text) => (null, true),
        FieldKind.JsonString or FieldKind.Text => ($"缺少必填字段 {name}", false),
        _ => ($"字段 {name} 应为文本，收到 {f}", false),
    };

    private static string? Number(RawField f, string name, bool required, out decimal? value)
    {
        value = null;
        if (f.Kind is FieldKind.Missing or FieldKind.Null) return required ? $"缺少必填字段 {name}" : null;
        if (!FeedRow.TryNumber(f, out var v)) return $"字段 {name} 应为数字，收到 {f}";
        if (v < 0) return $"字段 {name} 不能为负数，收到 {f.Text}";
        if (v >= MaxMagnitude) return $"字段 {name} 超出范围（最多 14 位整数），收到 {f.Text}";
        if (decimal.Round(v, 4) != v) return $"字段 {name} 最多保留 4 位小数，收到 {f.Text}";
        value = v;
        return null;
    }

    private static DateOnly? ParsePeriod(string text, Indicator indicator)
    {
        var inv = CultureInfo.InvariantCulture;
        if (indicator.Periodicity == Periodicity.Year)
            return text.Length == 4 && int.TryParse(text, NumberStyles.None, inv, out var y) && y is >= 1990 and <= 2999 ? new DateOnly(y, 1, 1) : null;
        if (text.Length != 7 || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, inv, out var year) || year is < 1990 or > 2999
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, inv, out var month) || month is < 1 or > 12)
            return null;
        if (indicator.Periodicity == Periodicity.Term && month is not (3 or 9)) return null;
        return new DateOnly(year, month, 1);
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}
