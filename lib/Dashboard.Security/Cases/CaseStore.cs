using System.Globalization;
using Dapper;
using Dashboard.Security.Audit;
using Dashboard.Security.Jurisdiction;
using Dashboard.Security.Store;

namespace Dashboard.Security.Cases;

/// <summary>Where a supervision case stands (督导整改: open → rectifying → re-inspected → closed).</summary>
public enum CaseStatus
{
    /// <summary>Opened by an inspector: a problem found, rectification not started.</summary>
    Open,
    /// <summary>The owner unit is rectifying.</summary>
    Rectifying,
    /// <summary>Rectification reported and re-inspected.</summary>
    ReInspected,
    /// <summary>Accepted and closed (final).</summary>
    Closed,
}

/// <summary>A supervision case.</summary>
/// <param name="Id">Stable id.</param>
/// <param name="RegionCode">The region the case concerns (jurisdiction applies).</param>
/// <param name="TargetId">The target the problem was found against.</param>
/// <param name="OwnerUnit">The unit responsible for rectifying.</param>
/// <param name="Title">What was found.</param>
/// <param name="DueDate">Rectification deadline.</param>
/// <param name="Status">Current status.</param>
/// <param name="CreatedBy">The account that opened it.</param>
/// <param name="CreatedAt">When it was opened.</param>
/// <param name="UpdatedAt">Last status change.</param>
public sealed record SupervisionCase(string Id, string RegionCode, string TargetId, string OwnerUnit, string Title, DateOnly DueDate,
    CaseStatus Status, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>What an inspector fills in to open a case.</summary>
public sealed record NewCase(string RegionCode, string TargetId, string OwnerUnit, string Title, DateOnly DueDate);

/// <summary>One step of a case's history.</summary>
public sealed record CaseHistoryEntry(int Sequence, CaseStatus? From, CaseStatus To, string Actor, string Note, DateTimeOffset At);

/// <summary>A refused case operation, with a Chinese message fit to show.</summary>
public sealed class CaseException(string message) : Exception(message);

/// <summary>
/// Supervision cases with their status history. Only the transitions in <see cref="AllowedTransitions"/>
/// are accepted; a status change is conditional on the status read, so two concurrent changes cannot both win.
/// </summary>
public sealed class CaseStore(OperationalDatabase database, IAuditSink audit, TimeProvider clock)
{
    /// <summary>
    /// The allowed moves. Re-inspected → rectifying is the "re-inspection failed, rectify again" loop;
    /// closed is final.
    /// </summary>
    public static IReadOnlyDictionary<CaseStatus, IReadOnlySet<CaseStatus>> AllowedTransitions { get; } = new Dictionary<CaseStatus, IReadOnlySet<CaseStatus>>
    {
        [CaseStatus.Open] = new HashSet<CaseStatus> { CaseStatus.Rectifying },
        [CaseStatus.Rectifying] = new HashSet<CaseStatus> { CaseStatus.ReInspected },
        [CaseStatus.ReInspected] = new HashSet<CaseStatus> { CaseStatus.Closed, CaseStatus.Rectifying },
        [CaseStatus.Closed] = new HashSet<CaseStatus>(),
    };

    /// <summary>True when a case may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool CanMove(CaseStatus from, CaseStatus to) => AllowedTransitions.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>Opens a case.</summary>
    /// <exception cref="CaseException">A field is missing or not valid.</exception>
    public async Task<SupervisionCase> CreateAsync(NewCase newCase, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newCase);
        ArgumentNullException.ThrowIfNull(actor);
        if (!RegionScope.IsValidCode(newCase.RegionCode)) throw new CaseException("地区代码无效");
        if (string.IsNullOrWhiteSpace(newCase.TargetId) || string.IsNullOrWhiteSpace(newCase.OwnerUnit) || string.IsNullOrWhiteSpace(newCase.Title))
            throw new CaseException("指标、责任单位和问题描述均不能为空");
        var now = UnixTime.Now(clock);
        var c0 = new SupervisionCase(Guid.NewGuid().ToString("N"), newCase.RegionCode.Trim(), newCase.TargetId.Trim(), newCase.OwnerUnit.Trim(),
            newCase.Title.Trim(), newCase.DueDate, CaseStatus.Open, actor.UserName, UnixTime.From(now), UnixTime.From(now));
        await using (var c = await database.OpenAsync(cancellationToken))
        await using (var tx = await database.BeginWriteAsync(c, cancellationToken))
        {
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO cases (id, region_code, target_id, owner_unit, title, due_date, status, created_by, created_at, updated_at)
                VALUES (@Id, @RegionCode, @TargetId, @OwnerUnit, @Title, @due, @status, @CreatedBy, @now, @now)
                """, new { c0.Id, c0.RegionCode, c0.TargetId, c0.OwnerUnit, c0.Title, due = FormatDate(c0.DueDate), status = c0.Status.ToString(), c0.CreatedBy, now },
                tx, cancellationToken: cancellationToken));
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO case_history (case_id, seq, from_status, to_status, actor, note, at) VALUES (@id, 1, NULL, @to, @actor, '', @now)
                """, new { id = c0.Id, to = c0.Status.ToString(), actor = actor.UserName, now }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        await audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, AuditAction.CaseCreated, "case " + c0.Id,
            AuditResult.Success, $"region {c0.RegionCode}; target {c0.TargetId}; owner {c0.OwnerUnit}; due {FormatDate(c0.DueDate)}"), cancellationToken);
        return c0;
    }

    /// <summary>The case with <paramref name="id"/>, or null.</summary>
    public async Task<SupervisionCase?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        var row = await c.QuerySingleOrDefaultAsync<CaseRow>(new CommandDefinition(Select + " WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        return row?.ToCase();
    }

    /// <summary>The longest note a status change may carry.</summary>
    public const int MaxNoteLength = 500;

    /// <summary>Above this many regions in a scope, <see cref="ListAsync"/> reads the cases and filters them in memory.</summary>
    public const int MaxListedRegions = 500;

    /// <summary>
    /// The cases in <paramref name="regionScope"/> (an expanded jurisdiction: RegionHierarchy.ExpandAsync),
    /// optionally of one status, by due date. An empty scope returns nothing.
    /// </summary>
    public async Task<IReadOnlyList<SupervisionCase>> ListAsync(IReadOnlySet<string> regionScope, CaseStatus? status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regionScope);
        if (regionScope.Count == 0) return [];
        await using var c = await database.OpenAsync(cancellationToken);
        var parameters = new DynamicParameters(new { status = status?.ToString() });
        var byStatus = status is null ? "" : " AND status = @status";
        if (regionScope.Count > MaxListedRegions)
        {
            // A city with its schools is thousands of codes: one parameter each is slow and meets SQLite's and
            // PostgreSQL's parameter limits. Cases are few next to regions; the scope is applied here instead.
            var all = await c.QueryAsync<CaseRow>(new CommandDefinition(
                Select + " WHERE 1 = 1" + byStatus + " ORDER BY due_date, id", parameters, cancellationToken: cancellationToken));
            return all.Where(r => regionScope.Contains(r.RegionCode)).Select(r => r.ToCase()).ToList();
        }
        var inRegions = PortableSql.InList("region", regionScope.Order(StringComparer.Ordinal).ToArray(), parameters);
        var rows = await c.QueryAsync<CaseRow>(new CommandDefinition(
            Select + " WHERE region_code IN " + inRegions + byStatus + " ORDER BY due_date, id",
            parameters, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToCase()).ToList();
    }

    /// <summary>Moves a case to <paramref name="to"/>, recording who, when and why.</summary>
    /// <exception cref="CaseException">No such case, or the move is not allowed from its current status.</exception>
    public async Task<SupervisionCase> MoveAsync(string id, CaseStatus to, string note, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        note = note?.Trim() ?? "";
        if (note.Length > MaxNoteLength) throw new CaseException($"处理说明不能超过 {MaxNoteLength} 字");
        var now = UnixTime.Now(clock);
        CaseStatus from;
        await using (var c = await database.OpenAsync(cancellationToken))
        await using (var tx = await database.BeginWriteAsync(c, cancellationToken))
        {
            var current = await c.QuerySingleOrDefaultAsync<string>(new CommandDefinition("SELECT status FROM cases WHERE id = @id", new { id }, tx, cancellationToken: cancellationToken))
                ?? throw new CaseException("督导事项不存在");
            from = Enum.Parse<CaseStatus>(current);
            if (!CanMove(from, to))
            {
                await tx.RollbackAsync(cancellationToken);
                await audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, AuditAction.CaseStatusChanged, "case " + id,
                    AuditResult.Failure, $"{from} -> {to} not allowed"), cancellationToken);
                throw new CaseException($"督导事项不能从“{Chinese(from)}”改为“{Chinese(to)}”");
            }
            var changed = await c.ExecuteAsync(new CommandDefinition("UPDATE cases SET status = @to, updated_at = @now WHERE id = @id AND status = @from",
                new { id, to = to.ToString(), from = current, now }, tx, cancellationToken: cancellationToken));
            if (changed == 0) throw new CaseException("督导事项已被他人修改，请刷新后重试");
            var seq = await c.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_history WHERE case_id = @id",
                new { id }, tx, cancellationToken: cancellationToken));
            await c.ExecuteAsync(new CommandDefinition("""
                INSERT INTO case_history (case_id, seq, from_status, to_status, actor, note, at) VALUES (@id, @seq, @from, @to, @actor, @note, @now)
                """, new { id, seq, from = current, to = to.ToString(), actor = actor.UserName, note, now }, tx, cancellationToken: cancellationToken));
            await tx.CommitAsync(cancellationToken);
        }
        await audit.WriteAsync(new AuditEvent(clock.GetUtcNow().UtcDateTime, actor.UserName, actor.Address, AuditAction.CaseStatusChanged, "case " + id,
            AuditResult.Success, $"{from} -> {to}"), cancellationToken);
        return (await GetAsync(id, cancellationToken))!;
    }

    /// <summary>The history of a case, oldest first.</summary>
    public async Task<IReadOnlyList<CaseHistoryEntry>> GetHistoryAsync(string id, CancellationToken cancellationToken)
    {
        await using var c = await database.OpenAsync(cancellationToken);
        var rows = await c.QueryAsync<HistoryRow>(new CommandDefinition("""
            SELECT seq AS Seq, from_status AS FromStatus, to_status AS ToStatus, actor AS Actor, note AS Note, at AS At
            FROM case_history WHERE case_id = @id ORDER BY seq
            """, new { id }, cancellationToken: cancellationToken));
        return rows.Select(r => new CaseHistoryEntry((int)r.Seq, r.FromStatus is null ? null : Enum.Parse<CaseStatus>(r.FromStatus),
            Enum.Parse<CaseStatus>(r.ToStatus), r.Actor, r.Note, UnixTime.From(r.At))).ToList();
    }

    /// <summary>The Chinese name of a status.</summary>
    public static string Chinese(CaseStatus status) => status switch
    {
        CaseStatus.Open => "待整改",
        CaseStatus.Rectifying => "整改中",
        CaseStatus.ReInspected => "已复查",
        CaseStatus.Closed => "已销号",
        _ => status.ToString(),
    };

    private static string FormatDate(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private const string Select = """
        SELECT id AS Id, region_code AS RegionCode, target_id AS TargetId, owner_unit AS OwnerUnit, title AS Title, due_date AS DueDate,
               status AS Status, created_by AS CreatedBy, created_at AS CreatedAt, updated_at AS UpdatedAt
        FROM cases
        """;

    private sealed class CaseRow
    {
        public string Id { get; set; } = "";
        public string RegionCode { get; set; } = "";
        public string TargetId { get; set; } = "";
        public string OwnerUnit { get; set; } = "";
        public string Title { get; set; } = "";
        public string DueDate { get; set; } = "";
        public string Status { get; set; } = "";
        public string CreatedBy { get; set; } = "";
        public long CreatedAt { get; set; }
        public long UpdatedAt { get; set; }

        public SupervisionCase ToCase() => new(Id, RegionCode, TargetId, OwnerUnit, Title,
            DateOnly.ParseExact(DueDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), Enum.Parse<CaseStatus>(Status), CreatedBy,
            UnixTime.From(CreatedAt), UnixTime.From(UpdatedAt));
    }

    private sealed class HistoryRow
    {
        public long Seq { get; set; }
        public string? FromStatus { get; set; }
        public string ToStatus { get; set; } = "";
        public string Actor { get; set; } = "";
        public string Note { get; set; } = "";
        public long At { get; set; }
    }
}
