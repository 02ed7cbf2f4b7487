using System.Globalization;
using Dashboard.ClickHouse.Ado;

namespace Dashboard.Bench;

/// <summary>Takes the current row of an observations_raw result, reading every column with typed getters.</summary>
internal interface IRowConsumer
{
    void Add(ClickHouseDataReader reader);
}

/// <summary>
/// The timed consumer: reads every value and folds it into a few sums, which keeps the values live and
/// costs little, so the timing is the provider's and not the harness's.
/// </summary>
internal sealed class RowTally : IRowConsumer
{
    private long _rows;
    private long _textLength;
    private long _ticks;
    private long _revisions;
    private long _nulls;
    private decimal _numbers;

    public long Rows => _rows;

    public void Add(ClickHouseDataReader reader)
    {
        _textLength += reader.GetString(0).Length + reader.GetString(1).Length + reader.GetString(7).Length + reader.GetString(8).Length;
        _ticks += reader.GetDateTime(2).Ticks + reader.GetDateTime(9).Ticks + reader.GetDateTime(10).Ticks;
        _revisions += reader.GetFieldValue<uint>(6);
        for (var i = 3; i <= 5; i++)
        {
            if (reader.IsDBNull(i)) _nulls++;
            else _numbers += reader.GetFieldValue<decimal>(i);
        }
        _rows++;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{_rows}/{_textLength}/{_ticks}/{_revisions}/{_nulls}/{_numbers}");
}

/// <summary>
/// The verifying consumer (untimed): an order-independent checksum of every value, to compare with the
/// generator's.
/// </summary>
internal sealed class RowChecksum : IRowConsumer
{
    private Checksum _value;

    public Checksum Value => _value;

    public void Add(ClickHouseDataReader reader) =>
        _value.Add(new Observation(
            reader.GetString(0),
            reader.GetString(1),
            DateOnly.FromDateTime(reader.GetDateTime(2)),
            reader.IsDBNull(3) ? null : reader.GetFieldValue<decimal>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<decimal>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<decimal>(5),
            reader.GetFieldValue<uint>(6),
            reader.GetString(7),
            reader.GetString(8),
            reader.GetDateTime(9),
            reader.GetDateTime(10)));
}
