using Dashboard.Data.Catalogue;
using Dashboard.Data.Ingestion;
using Dashboard.Data.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Dashboard.Api.Sources;

internal static class IngestionServices
{
    /// <summary>Configuration section of the upload limits (<see cref="FileFeedOptions"/>).</summary>
    public const string UploadsSection = "Uploads";

    /// <summary>
    /// Room for the multipart framing around the file (boundaries, part headers, small fields): the
    /// request may be this much larger than <see cref="FileFeedOptions.MaxBytes"/>.
    /// </summary>
    public const long MultipartOverhead = 64 * 1024;

    /// <summary>
    /// The source registry (validated at start-up: a bad source stops the host with a message naming
    /// Sources:Items:N and the field), the ClickHouse stores, and the pull service for uploads.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SourcesOptions>().Bind(configuration.GetSection(SourcesOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SourcesOptions>, SourcesValidator>();
        services.AddSingleton<SourceRegistry>();

        services.AddOptions<FileFeedOptions>()
            .Bind(configuration.GetSection(UploadsSection))
            .Validate(o => o.MaxBytes > 0 && o.MaxRows > 0 && o.BatchSize > 0 && o.MaxUncompressedBytes > 0 && o.MaxCompressionRatio > 0,
                $"{UploadsSection}: MaxBytes, MaxRows, BatchSize, MaxUncompressedBytes and MaxCompressionRatio must be positive.")
            .ValidateOnStart();
        // Kestrel's and the form reader's own limits must not refuse a file the upload limit allows: the
        // upload endpoint raises the request-body limit for itself, and any form read gets the same room.
        services.AddOptions<FormOptions>().Configure<IOptions<FileFeedOptions>>((form, files) =>
            form.MultipartBodyLengthLimit = Math.Max(form.MultipartBodyLengthLimit, files.Value.MaxBytes + MultipartOverhead));

        services.AddSingleton(_ => new ClickHouseDatabase(configuration.GetConnectionString("ClickHouse") ?? ""));
        services.AddSingleton<CatalogueStore>();
        services.AddSingleton<IngestionStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(new FeedReaderOptions());
        // Typed client: HttpFeedReader gets an HttpClient from IHttpClientFactory, so PullService is transient too.
        services.AddHttpClient<HttpFeedReader>();
        services.AddTransient<PullService>();
        return services;
    }
}
