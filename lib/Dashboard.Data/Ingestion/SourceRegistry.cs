using Microsoft.Extensions.Options;

namespace Dashboard.Data.Ingestion;

/// <summary>How a source delivers.</summary>
public enum SourceKind
{
    /// <summary>An HTTP JSON feed the platform pulls.</summary>
    Http,
    /// <summary>CSV/XLSX files dropped into a folder the platform watches.</summary>
    File,
}

/// <summary>One district system, as configured (section <c>Sources</c>, one entry per source).</summary>
public sealed class SourceConfig
{
    /// <summary>Stable id, e.g. <c>320583-edu</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The region whose area the source reports (rows outside it are rejected).</summary>
    public string RegionCode { get; set; } = "";

    /// <summary>Http or File.</summary>
    public SourceKind Kind { get; set; } = SourceKind.Http;

    /// <summary>The feed's base URL (Http): the platform calls <c>{Url}/v1/observations</c>.</summary>
    public string? Url { get; set; }

    /// <summary>The folder watched for files (File).</summary>
    public string? DropFolder { get; set; }

    /// <summary>Quartz cron expression of the schedule, e.g. <c>0 0/15 * * * ?</c>.</summary>
    public string Cron { get; set; } = "";

    /// <summary>The bearer token (Http). Never logged, never returned by the api.</summary>
    public string? Secret { get; set; }

    /// <summary>Disabled sources stay listed but are not scheduled.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>The source registry's configuration.</summary>
public sealed class SourcesOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Sources";

    /// <summary>The sources.</summary>
    public List<SourceConfig> Items { get; set; } = [];
}

/// <summary>What the api lists about a source: everything but its secret.</summary>
public sealed record SourceSummary(string Id, string RegionCode, SourceKind Kind, string? Url, string? DropFolder, string Cron, bool Enabled, bool HasSecret);

/// <summary>Checks every source at start-up and names what is wrong, so a bad configuration stops the host with a clear message.</summary>
public sealed class SourcesValidator : IValidateOptions<SourcesOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Items.Count; i++)
        {
            var s = options.Items[i];
            var at = $"Sources:Items:{i}" + (string.IsNullOrWhiteSpace(s.Id) ? "" : $" ({s.Id})");
            if (string.IsNullOrWhiteSpace(s.Id) || s.Id.Length > 64 || !s.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                errors.Add($"{at}: Id is required: letters, digits, '-' or '_', at most 64 characters.");
            else if (!seen.Add(s.Id)) errors.Add($"{at}: Id {s.Id} is used by two sources.");
            if (string.IsNullOrWhiteSpace(s.RegionCode)) errors.Add($"{at}: RegionCode is required.");
            if (s.Cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length is < 6 or > 7)
                errors.Add($"{at}: Cron '{s.Cron}' is not a Quartz cron expression (6 or 7 fields, e.g. '0 0/15 * * * ?').");
            switch (s.Kind)
            {
                case SourceKind.Http:
                    if (!Uri.TryCreate(s.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                        errors.Add($"{at}: Url must be an absolute http(s) URL for an Http source.");
                    if (string.IsNullOrWhiteSpace(s.Secret)) errors.Add($"{at}: Secret is required for an Http source (set it from the environment, not in a file).");
                    break;
                case SourceKind.File:
                    if (string.IsNullOrWhiteSpace(s.DropFolder)) errors.Add($"{at}: DropFolder is required for a File source.");
                    break;
                default:
                    errors.Add($"{at}: Kind must be Http or File.");
                    break;
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>The configured sources, as the jobs host schedules them and the api lists them.</summary>
public sealed class SourceRegistry(IOptions<SourcesOptions> options)
{
    /// <summary>Every configured source.</summary>
    public IReadOnlyList<SourceConfig> All => options.Value.Items;

    /// <summary>A source by id, or null.</summary>
    public SourceConfig? Find(string id) => options.Value.Items.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));

    /// <summary>The listing of a source, without its secret.</summary>
    public static SourceSummary Summarize(SourceConfig s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.RegionCode, s.Kind, s.Url, s.DropFolder, s.Cron, s.Enabled, !string.IsNullOrEmpty(s.Secret));
    }

    /// <summary>The source as the pull service reads it.</summary>
    public static FeedSource ToFeed(SourceConfig s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, s.RegionCode, s.Url is null ? null : new Uri(s.Url), s.Secret ?? "");
    }
}
