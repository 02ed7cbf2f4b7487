using Dashboard.Compat.Tests.Corpus;

namespace Dashboard.Compat.Tests;

/// <summary>
/// The stores', scorecard engine's and report service's statements (parameters bound by the provider, bulk
/// bodies by its writer) run on the modern engine; deterministic results equal the 18.16 server's.
/// </summary>
[Collection(ChDbTests.Name)]
public sealed class StoreTests(CompatFixture fixture)
{
    /// <summary>The step names, one test case each.</summary>
    public static TheoryData<string> Steps() => new(StoreSteps.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Steps))]
    public void Store_statements_run_on_chDB_as_on_18_16(string name)
    {
        var outcome = fixture.Step(name);
        Assert.True(outcome.Error is null, Report.Failure(name, outcome));
        Assert.NotEmpty(outcome.Statements);

        var step = StoreSteps.All.Single(s => s.Name == name);
        if (fixture.ReferenceStep(name) is not { } reference) return;
        Assert.True(reference.Error is null, $"{name} fails on ClickHouse 18.16 (the reference): {reference.Error}");
        if (step.Compare) Report.AssertSameRows(name, reference.Rows, outcome.Rows);
    }
}
