using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Dashboard.Api.Uploads;

/// <summary>Marks an endpoint that reads one file from a multipart/form-data field itself (streamed, not bound).</summary>
/// <param name="Field">The form field carrying the file.</param>
/// <param name="Description">What the file must be.</param>
internal sealed record MultipartFileUpload(string Field, string Description);

/// <summary>
/// Describes <see cref="MultipartFileUpload"/> endpoints' request body in Swagger. Accepts() metadata would
/// do it too, but routing then answers a non-multipart request with a bare 415 before the endpoint can
/// say which field it expected.
/// </summary>
internal sealed class FileUploadOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<MultipartFileUpload>().FirstOrDefault() is not { } upload) return;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>(StringComparer.Ordinal)
            {
                ["multipart/form-data"] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string>(StringComparer.Ordinal) { upload.Field },
                        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
                        {
                            [upload.Field] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = upload.Description },
                        },
                    },
                },
            },
        };
    }
}
