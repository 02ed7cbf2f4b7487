namespace Dashboard.Compat.Tests.Corpus;

/// <summary>Which jurisdiction the request is made under (the api's DataScope forms).</summary>
public enum ScopeKind
{
    /// <summary>No jurisdiction (an administrator; the audit trail).</summary>
    None,
    /// <summary>昆山市 (320583) and its feed: the subtree and ancestor forms of DataScope.</summary>
    Kunshan,
    /// <summary>A user with no regions and no sources: the empty IN lists.</summary>
    Empty,
    /// <summary>昆山市 again, in the form the api uses: the scope's parent regions listed, their children read from regions.</summary>
    KunshanListed,
    /// <summary>昆山市 with its parents padded past the literal-list size: the parents go as one string split in ClickHouse.</summary>
    KunshanSplit,
}

/// <summary>One OData request of the corpus.</summary>
/// <param name="EntitySet">The routed set.</param>
/// <param name="PathAndQuery">The request relative to the service root.</param>
/// <param name="Scope">The jurisdiction it is made under.</param>
public sealed record ODataCase(string EntitySet, string PathAndQuery, ScopeKind Scope)
{
    /// <summary>The test case name: scope and request.</summary>
    public override string ToString() => $"[{Scope}] {PathAndQuery}";
}

/// <summary>
/// A representative corpus of OData requests: every entity set, every <c>$filter</c> operator and function the
/// translator supports, <c>$select</c>, <c>$orderby</c>, paging, <c>$count</c>, key lookups, <c>/$count</c> and
/// <c>$apply</c> (filter, groupby, aggregate with each method, nested), with and without a jurisdiction.
/// </summary>
public static class ODataCorpus
{
    private static string E(string s) => Uri.EscapeDataString(s);

    /// <summary>Every request.</summary>
    public static IReadOnlyList<ODataCase> All { get; } = Build();

    private static List<ODataCase> Build()
    {
        var none = new List<string>
        {
            // Regions: plain, $select, $orderby, paging, key, /$count, strings with quotes and unicode
            "Regions",
            "Regions?$select=Code,Name&$orderby=Name desc&$top=5&$skip=2",
            "Regions('320583')",
            "Regions('320583')?$select=Name,Level",
            "Regions/$count",
            "Regions/$count?$filter=Level eq 'Town'",
            "Regions?$filter=" + E("Name eq '昆山市'"),
            "Regions?$filter=" + E("Name eq 'O''Brien \\ x' or Name eq '玉山镇'"),
            "Regions?$filter=contains(Name,'山') and startswith(Code,'3205') and endswith(Code,'00')&$count=true",
            "Indicators?$filter=contains(tolower(Code),'migrant') or toupper(NameEn) eq 'X'",
            "Regions?$filter=Code in ('320583','320585','nope')&$orderby=Code",
            "Regions?$filter=not (Level eq 'Town') and ParentCode ne ''",
            "Regions?$apply=groupby((Level),aggregate($count as N))&$orderby=N desc",
            "Regions?$apply=groupby((Level,Kind))",
            // Indicators
            "Indicators?$select=Code,NameEn,Unit&$filter=Kind eq 'Ratio' and Direction eq 'HigherIsBetter'",
            "Indicators('PUBLIC_ABSORPTION')",
            "Indicators?$filter=" + E("Unit eq '%' or Unit eq '个'") + "&$count=true&$top=3",
            // Targets: decimals, dates, null comparisons, collections, versions
            "Targets?$filter=Value gt 0.5 and Value le 1&$orderby=Deadline desc,Id",
            "Targets?$filter=Deadline ge 2025-01-01 and StartDate lt 2026-01-01",
            "Targets?$filter=BaselinePeriod eq null",
            "Targets?$filter=BaselinePeriod ne null and year(BaselinePeriod) ge 2020",
            "Targets?$select=Id,Value,ResponsibleUnits,Version&$top=10",
            "Targets?$filter=Value mul 100 ge 90 and Version ge 1",
            "Targets?$apply=aggregate(Value with sum as Total, Deadline with max as Latest, Deadline with min as Earliest, $count as N)",
            "Targets?$apply=groupby((RegionCode),aggregate(Id with countdistinct as Targets, Value with average as Mean))&$orderby=RegionCode",
            // Observations: every comparison, arithmetic, functions, dates and instants, $apply forms
            "Observations?$filter=Value gt 0 or Value ge 1 or Value lt 10 or Value le 5 or Value eq 3 or Value ne 4",
            "Observations?$filter=Numerator mul 2 sub Denominator gt Revision add 1 or Value div 2 sub 0.5 gt 5",
            "Observations?$filter=Revision mod 2 eq 0 and Revision add 1 gt 1 and Revision sub 1 ge 0",
            "Observations?$filter=Revision div 2 eq 1",
            "Observations?$filter=year(Period) eq 2025 and month(Period) le 9",
            "Observations?$filter=Period ge 2025-01-01 and Period lt 2026-01-01&$orderby=Period desc",
            "Observations?$filter=LoadedAt lt 2026-06-30T12:00:00%2B08:00 and UpdatedAt gt 2020-01-01T00:00:00Z",
            "Observations?$filter=Value eq null and Numerator ne null",
            "Observations?$filter=null ne Value",
            "Observations?$filter=IndicatorCode in ('PUBLIC_ABSORPTION','BIG_CLASS_56') and not startswith(RegionCode,'320585')",
            "Observations?$filter=Value eq 1234.5678 or Value eq 2469.1356",
            "Observations?$select=RegionCode,Period,Value&$orderby=Value desc,RegionCode&$top=3&$skip=1&$count=true",
            "Observations(RegionCode='320583100',IndicatorCode='PUBLIC_ABSORPTION',Period=2025-09-01)",
            "Observations/$count?$filter=Revision gt 1",
            "Observations/$count?$apply=groupby((RegionCode))",
            "Observations?$apply=filter(Value gt 0.5)/groupby((RegionCode),aggregate(Value with sum as Total, $count as N))",
            "Observations?$apply=groupby((RegionCode,Period),aggregate(Value with min as Lo, Value with max as Hi, Value with average as Avg, Revision with sum as Revs))",
            "Observations?$apply=groupby((RegionCode),aggregate(Value with sum as Total))&$filter=Total gt 1.5&$orderby=Total desc&$top=5&$skip=0&$count=true",
            "Observations?$apply=groupby((RegionCode),aggregate(Value with sum as Total))/filter(Total gt 3)/aggregate(Total with max as Best, $count as Regions)",
            "Observations?$apply=groupby((IndicatorCode),aggregate(RegionCode with countdistinct as Regions, Numerator with sum as Num, Denominator with sum as Den))",
            "Observations?$apply=aggregate(Value mul 100 with sum as Pct)",
            "Observations?$apply=filter(Value ne null)&$filter=RegionCode eq '320583101'",
            // PullRuns, Rejections, AuditEvents
            "PullRuns?$filter=Status eq 'PartiallySucceeded' and FinishedAt ne null and RowsRejected gt 0&$orderby=StartedAt desc",
            "PullRuns('run-1')",
            "PullRuns?$apply=groupby((SourceId,Status),aggregate(RowsLoaded with sum as Loaded, RowsRejected with max as WorstRejected))",
            "Rejections?$filter=" + E("contains(Reason,'未知') or contains(Row,'\\t') or contains(Reason,'''unknown''')") + "&$select=RowNumber,Field,Reason",
            "Rejections?$filter=RowNumber ge 2 and RejectedAt ge 2026-01-01T00:00:00Z&$orderby=RowNumber&$count=true",
            "Rejections/$count",
        };
        var audit = new List<string>
        {
            "AuditEvents?$orderby=Time desc&$top=10",
            "AuditEvents?$filter=" + E("User eq '督导员' and Action eq 'TargetEdited' and contains(Detail,'\"新目标\"')"),
            "AuditEvents?$filter=Time ge 2026-03-01T00:00:00Z and Result ne 'Success'&$count=true",
            "AuditEvents('00000000000000000000000000000001')",
            "AuditEvents?$apply=groupby((Action,Result),aggregate($count as N, Time with max as Last))",
        };
        var scorecard = new List<string>
        {
            "Scorecard",
            "Scorecard?$filter=Status eq 'Red' or Status eq 'Amber'&$orderby=RelativeShortfall desc,RegionCode&$top=20",
            "Scorecard?$filter=Stale eq true and Inherited",
            "Scorecard?$filter=not WillMiss and Actual ne null and Actual ge TargetValue",
            "Scorecard?$filter=OverrideStatus ne '' or BaselineFallback eq false",
            "Scorecard(RegionCode='320583',TargetId='KS-1')?$select=Status,Actual",
            "Scorecard?$select=RegionCode,RegionName,TargetId,Status,Actual,Expected,Forecast&$count=true",
            "Scorecard/$count?$filter=Status eq 'Green'",
            "Scorecard?$apply=groupby((Status),aggregate($count as N, RelativeShortfall with average as MeanShortfall))",
            "Scorecard?$apply=groupby((RegionCode,RegionName),aggregate(TargetId with countdistinct as Targets, Actual with min as Worst))&$orderby=Targets desc",
        };
        // Under a jurisdiction: every set that has one, plain and with the query forms that sit beside the scope.
        var scoped = new List<string>
        {
            "Regions?$orderby=Code",
            "Regions('320500')",
            "Targets?$filter=Value gt 0&$count=true",
            "Observations?$filter=Value ne null&$top=5",
            "Observations/$count",
            "Observations?$apply=groupby((RegionCode),aggregate(Value with sum as Total))&$filter=Total gt 0",
            "PullRuns",
            "Rejections?$count=true",
            "Scorecard?$filter=Status ne 'Grey'",
            "Scorecard?$apply=aggregate($count as N)",
            "ObservationRevisions?$filter=Revision ge 1&$orderby=LoadedAt desc&$top=20",
            "RegionPeriodSums?$apply=filter(Period ge 2024-01-01)/groupby((IndicatorCode,Period),aggregate(Numerator with sum as N,Denominator with sum as D,SumValue with sum as S))",
            "ObservationRevisions(RegionCode='320583102',IndicatorCode='PUBLIC_ABSORPTION',Period=2025-09-01,Revision=1,LoadedAt=2026-01-01T00:00:00Z)",
        };

        var cases = new List<ODataCase>();
        cases.AddRange(none.Concat(scorecard).Select(q => new ODataCase(SetOf(q), q, ScopeKind.None)));
        cases.AddRange(audit.Select(q => new ODataCase("AuditEvents", q, ScopeKind.None)));
        cases.AddRange(scoped.Select(q => new ODataCase(SetOf(q), q, ScopeKind.Kunshan)));
        cases.AddRange(scoped.Select(q => new ODataCase(SetOf(q), q, ScopeKind.KunshanListed)));
        cases.AddRange(scoped.Select(q => new ODataCase(SetOf(q), q, ScopeKind.KunshanSplit)));
        cases.AddRange(new[] { "Observations", "Rejections", "Targets", "Scorecard" }.Select(q => new ODataCase(q, q, ScopeKind.Empty)));
        return cases;
    }

    private static string SetOf(string pathAndQuery) =>
        new(pathAndQuery.TakeWhile(ch => char.IsAsciiLetter(ch)).ToArray());
}
