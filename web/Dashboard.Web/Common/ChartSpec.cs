namespace Dashboard.Web.Common;

/// <summary>One series of a chart.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="Data">One value per label (null: a gap).</param>
/// <param name="Type">bar or line.</param>
/// <param name="Color">A CSS colour.</param>
/// <param name="Dashed">A dashed line (expected, target, forecast).</param>
public sealed record ChartSeries(string Label, IReadOnlyList<decimal?> Data, string Type, string Color, bool Dashed = false);

/// <summary>
/// What wwwroot/js/charts.js draws; serialised into a JSON block beside the canvas (the CSP forbids inline
/// scripts). The same numbers are in the table next to it, which is also the chart's text alternative.
/// </summary>
public sealed record ChartSpec(string Id, string Title, string Summary, IReadOnlyList<string> Labels, IReadOnlyList<ChartSeries> Series,
    string YTitle, bool Horizontal = false, IReadOnlyList<string>? BarColors = null);
