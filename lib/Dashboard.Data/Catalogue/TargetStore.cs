using Dapper;
using Dashboard.Data.Storage;

namespace Dashboard.Data.Catalogue;

/// <summary>One stored version of a target, with who made it, when and why.</summary>
public sealed record TargetVersion(Target Target, string Author, DateTime CreatedAt, string ChangeNote);

/// <summary>
/// Target edits: every edit inserts the next version (nothing is updated in place), so the history of a
/// target stays readable and a report can say which version it judged against.
/// </summary>
public sealed class TargetStore(ClickHouseDatabase database)
{
    /// <summary>Stores <paramref name="target"/> as the next version of its id (version 1 for a new id) and returns it as stored.</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names it.</exception>
    public async Task<TargetVersion> SaveNewVersionAsync(Target target, string author, string changeNote, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(target);
        Validate(target, author);
        await using var c = await database.OpenAsync(ct);
        var latest = await c.ExecuteScalarAsync<uint>(new CommandDefinition(
            "SELECT max(version) FROM targets WHERE id = @id", new { id = target.Id }, cancellationToken: ct));
        var stored = target with { Version = latest + 1 };
        var now = DateTime.UtcNow;
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO targets (id, version, region_code, indicator_code, kind, comparator, value, start_date, deadline, baseline_period,
                                 document, clause, responsible_units, author, created_at, change_note)
            VALUES (@Id, @Version, @RegionCode, @IndicatorCode, @Kind, @Comparator, @Value, @StartDate, @Deadline, @BaselinePeriod,
                    @Document, @Clause, @ResponsibleUnits, @author, @now, @changeNote)
            """, new
        {
            stored.Id, stored.Version, stored.RegionCode, stored.IndicatorCode, Kind = stored.Kind.ToString(),
            Comparator = stored.Comparator.ToString().ToLowerInvariant(), stored.Value, stored.StartDate, stored.Deadline, stored.BaselinePeriod,
            stored.Document, stored.Clause, ResponsibleUnits = stored.ResponsibleUnits.ToArray(), author, now, changeNote,
        }, cancellationToken: ct));
        return new TargetVersion(stored, author, now, changeNote);
    }

    /// <summary>Every version of a target, oldest first.</summary>
    public async Task<IReadOnlyList<TargetVersion>> GetHistoryAsync(string id, CancellationToken ct)
    {
        await using var c = await database.OpenAsync(ct);
        var rows = await c.QueryAsync<TargetRow>(new CommandDefinition(
            $"SELECT {TargetRow.Columns} FROM targets WHERE id = @id ORDER BY version", new { id }, cancellationToken: ct));
        return rows.Select(r => r.ToVersion()).ToList();
    }

    /// <summary>Checks a target's own fields; references to regions and indicators are checked by the caller against the catalogue.</summary>
    /// <exception cref="ArgumentException">The message names the field.</exception>
    public static void Validate(Target target, string author)
    {
        ArgumentNullException.ThrowIfNull(target);
        static void Require(bool ok, string field, string message)
        {
            if (!ok) throw new ArgumentException($"{field}: {message}", field);
        }
        Require(!string.IsNullOrWhiteSpace(target.Id) && target.Id.Length <= 64, "id", "required, at most 64 characters");
        Require(!string.IsNullOrWhiteSpace(target.RegionCode), "regionCode", "required");
        Require(!string.IsNullOrWhiteSpace(target.IndicatorCode), "indicatorCode", "required");
        Require(Enum.IsDefined(target.Kind), "kind", "must be Level, ChangeFromBaseline, Cumulative, Ceiling or Maintain");
        Require(Enum.IsDefined(target.Comparator), "comparator", "must be ge, gt, le or lt");
        Require(target.Deadline > target.StartDate, "deadline", "must be after startDate");
        Require(target.Kind != TargetKind.ChangeFromBaseline || target.BaselinePeriod is not null, "baselinePeriod", "required for a change from baseline");
        Require(Math.Abs(target.Value) < 100_000_000_000_000m, "value", "out of range");
        Require(!string.IsNullOrWhiteSpace(target.Document), "document", "required");
        Require(!string.IsNullOrWhiteSpace(target.Clause), "clause", "required: quote the policy sentence");
        Require(target.ResponsibleUnits.All(u => !string.IsNullOrWhiteSpace(u)), "responsibleUnits", "blank unit");
        Require(!string.IsNullOrWhiteSpace(author), "author", "required");
    }
}
