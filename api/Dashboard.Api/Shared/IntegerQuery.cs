using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Dashboard.Api.Shared;

/// <summary>
/// An integer query parameter with a range and a default. Handlers take such parameters as strings and
/// parse them here, so "abc" or 0 gets a 400 that names the parameter instead of the framework's bare
/// binding failure; the endpoint carries this as metadata so Swagger still shows an integer with its range.
/// </summary>
internal sealed record IntegerQuery(string Name, int Min, int Max, int Default, string Description)
{
    /// <summary>Parses the raw value (absent or empty: the default).</summary>
    public bool TryParse(string? raw, out int value, [NotNullWhen(false)] out IResult? problem)
    {
        problem = null;
        value = Default;
        if (string.IsNullOrWhiteSpace(raw)) return true;
        if (int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= Min && value <= Max) return true;
        problem = ApiProblems.BadParameter(Name, string.Create(CultureInfo.InvariantCulture,
            $"Query parameter '{Name}' must be an integer from {Min} to {Max} (default {Default}); got '{Truncate(raw)}'."));
        return false;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}

/// <summary>Describes the <see cref="IntegerQuery"/> parameters of an endpoint in Swagger as integers with their range and default.</summary>
internal sealed class IntegerQueryOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var queries = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IntegerQuery>().ToList();
        if (queries.Count == 0 || operation.Parameters is null) return;
        for (var i = 0; i < operation.Parameters.Count; i++)
        {
            var parameter = operation.Parameters[i];
            var query = queries.FirstOrDefault(q => string.Equals(q.Name, parameter.Name, StringComparison.Ordinal));
            if (query is null || parameter.In != ParameterLocation.Query) continue;
            operation.Parameters[i] = new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = query.Description,
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Integer,
                    Format = "int32",
                    Minimum = query.Min.ToString(CultureInfo.InvariantCulture),
                    Maximum = query.Max.ToString(CultureInfo.InvariantCulture),
                    Default = JsonValue.Create(query.Default),
                },
            };
        }
    }
}
