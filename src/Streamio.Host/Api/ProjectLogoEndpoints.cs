using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Streamio.Abstractions.Projects;
using Streamio.Host.Auth;
using Streamio.Host.Http;
using Streamio.Media;
using Streamio.Storage;

namespace Streamio.Host.Api;

/// <summary>
/// A project's logo (<c>/v1/projects/{id}/watermark</c>): a PNG every rendition of the project's new videos carries.
/// The admin manages any project's logo; a project key manages its own.
/// </summary>
public static class ProjectLogoEndpoints
{
    /// <summary>A logo is a small image: anything larger is a mistake, not a logo.</summary>
    public const int MaxLogoBytes = 1024 * 1024;

    public const int MaxLogoSide = 4096;

    public const double DefaultScale = 0.15;

    public const double DefaultOpacity = 0.8;

    public const string DefaultCorner = "top-right";

    private const string Usage =
        "Send the logo as the body with Content-Type: image/png (settings in the query: ?position=top-right&scale=0.15&opacity=0.8), " +
        "or as multipart/form-data with an 'image' file part and optional position, scale and opacity fields.";

    public static IEndpointRouteBuilder MapProjectLogoEndpoints(this IEndpointRouteBuilder app)
    {
        var logo = app.MapGroup("/v1/projects/{id}/watermark").RequireAuthorization().WithTags("Projects").ProducesCallerProblems();
        logo.MapPut("", PutAsync).DisableAntiforgery()
            .WithSummary("Set the project's logo: a PNG drawn in a corner of every rendition of its new videos (position, scale, opacity)")
            .DescribesBody<LogoForm>("multipart/form-data").Produces<LogoResponse>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        logo.MapGet("", GetAsync).WithSummary("Read the project's logo settings").Produces<LogoResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        logo.MapGet("logo.png", ImageAsync).WithSummary("The project's logo image").ProducesProblem(StatusCodes.Status404NotFound);
        logo.MapDelete("", DeleteAsync).WithSummary("Remove the project's logo (videos already made keep theirs)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> PutAsync(
        string id, HttpContext context, IGrainFactory grains, IObjectStorage storage, IMediaEncoder media, CancellationToken cancellationToken)
    {
        if (Refused(context, id) is { } refused)
        {
            return refused;
        }
        var (upload, problem) = await ReadLogoAsync(context.Request, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (PngHeader.TryReadSize(upload!.Png) is not { } size)
        {
            return Problems.BadRequest($"The image is not a PNG (its first bytes are not a PNG signature and header). {Usage}");
        }
        if (size.Width > MaxLogoSide || size.Height > MaxLogoSide)
        {
            return Problems.BadRequest($"The logo is {size.Width}x{size.Height}; at most {MaxLogoSide}x{MaxLogoSide} pixels is accepted (it is scaled to the video anyway).");
        }
        var (settings, settingsProblem) = Settings(upload.Fields);
        if (settingsProblem is not null)
        {
            return settingsProblem;
        }
        if (await DecodeProblemAsync(upload.Png, media, cancellationToken) is { } undecodable)
        {
            return undecodable;
        }

        var key = StorageKeys.ProjectLogo(id, $"logo_{Guid.CreateVersion7():N}");
        using (var content = new MemoryStream(upload.Png, writable: false))
        {
            await storage.PutAsync(key, content, cancellationToken);
        }
        var logo = new ProjectLogo(key, settings.Corner, settings.Scale, settings.Opacity, size.Width, size.Height, DateTimeOffset.UtcNow);
        if (await grains.GetGrain<IProjectGrain>(id).SetLogoAsync(logo) is not { } change)
        {
            await storage.DeleteAsync(key, CancellationToken.None);
            return NoProject(id);
        }
        return Results.Ok(LogoResponse.From(id, change.Project.Logo!));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (Refused(context, id) is { } refused)
        {
            return refused;
        }
        return await grains.GetGrain<IProjectGrain>(id).GetAsync() switch
        {
            null => NoProject(id),
            { Logo: { } logo } => Results.Ok(LogoResponse.From(id, logo)),
            _ => NoLogo(id),
        };
    }

    private static async Task<IResult> ImageAsync(string id, HttpContext context, IGrainFactory grains, IObjectStorage storage, CancellationToken cancellationToken)
    {
        if (Refused(context, id) is { } refused)
        {
            return refused;
        }
        var project = await grains.GetGrain<IProjectGrain>(id).GetAsync();
        if (project?.Logo is not { } logo)
        {
            return project is null ? NoProject(id) : NoLogo(id);
        }
        return await storage.OpenReadAsync(logo.StorageKey, cancellationToken) is { } image
            ? Results.Stream(image, "image/png")
            : Problems.NotFound($"The logo of project '{id}' is missing from storage: upload it again with PUT /v1/projects/{id}/watermark.");
    }

    private static async Task<IResult> DeleteAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (Refused(context, id) is { } refused)
        {
            return refused;
        }
        var project = await grains.GetGrain<IProjectGrain>(id).GetAsync();
        if (project?.Logo is null)
        {
            return project is null ? NoProject(id) : NoLogo(id);
        }
        // The image stays: videos made with it still draw it when a chunk is encoded again.
        return await grains.GetGrain<IProjectGrain>(id).SetLogoAsync(null) is null ? NoProject(id) : Results.NoContent();
    }

    /// <summary>Only the admin, or a caller of this very project, may touch its logo.</summary>
    private static IResult? Refused(HttpContext context, string projectId) => context.GetCaller() switch
    {
        { IsAdmin: true } => null,
        { ProjectId: { } own } when own == projectId => null,
        _ => Problems.Forbidden($"This key cannot manage project '{projectId}': use a key of that project or the admin key."),
    };

    private sealed record LogoUpload(byte[] Png, IReadOnlyDictionary<string, string> Fields);

    /// <summary>The PNG bytes (at most <see cref="MaxLogoBytes"/>) and the settings, from a raw image/png body or a form.</summary>
    private static async Task<(LogoUpload? Upload, IResult? Problem)> ReadLogoAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxLogoBytes + 64 * 1024)
        {
            return (null, LogoTooLarge());
        }
        MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType);
        var mediaType = contentType?.MediaType.Value?.ToLowerInvariant();
        if (mediaType == "image/png")
        {
            var fields = request.Query.ToDictionary(pair => pair.Key.ToLowerInvariant(), pair => pair.Value.ToString());
            var png = await ReadCappedAsync(request.Body, cancellationToken);
            return png is null ? (null, LogoTooLarge()) : (new LogoUpload(png, fields), null);
        }
        if (mediaType == "multipart/form-data" && HeaderUtilities.RemoveQuotes(contentType!.Boundary).Value is { Length: > 0 } boundary)
        {
            return await ReadFormAsync(request.Body, boundary, cancellationToken);
        }
        return (null, Problems.BadRequest($"Content-Type '{request.ContentType}' is not accepted. {Usage}"));
    }

    private static async Task<(LogoUpload? Upload, IResult? Problem)> ReadFormAsync(Stream body, string boundary, CancellationToken cancellationToken)
    {
        var reader = new MultipartReader(boundary, body) { HeadersLengthLimit = 16 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        byte[]? png = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    continue;
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value?.ToLowerInvariant() ?? "";
                if (name == "image")
                {
                    if ((png = await ReadCappedAsync(section.Body, cancellationToken)) is null)
                    {
                        return (null, LogoTooLarge());
                    }
                }
                else if (name is "position" or "scale" or "opacity")
                {
                    using var text = new StreamReader(section.Body);
                    var value = await text.ReadToEndAsync(cancellationToken);
                    fields[name] = value.Length > 100 ? value[..100] : value;
                }
            }
        }
        catch (InvalidDataException invalid)
        {
            return (null, Problems.BadRequest($"The multipart body is malformed: {invalid.Message}"));
        }
        return png is null
            ? (null, Problems.BadRequest($"The form has no 'image' part. {Usage}"))
            : (new LogoUpload(png, fields), null);
    }

    /// <summary>The stream's bytes, or null as soon as they pass <see cref="MaxLogoBytes"/>.</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxLogoBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private sealed record LogoSettings(string Corner, double Scale, double Opacity);

    private static (LogoSettings Settings, IResult? Problem) Settings(IReadOnlyDictionary<string, string> fields)
    {
        var failed = new LogoSettings(DefaultCorner, DefaultScale, DefaultOpacity);
        var corner = DefaultCorner;
        if (fields.TryGetValue("position", out var position) && !string.IsNullOrWhiteSpace(position))
        {
            if (LogoCorners.Parse(position) is not { } parsed)
            {
                return (failed, Problems.BadRequest($"position '{position}' is not a corner: use one of {string.Join(", ", LogoCorners.Names)}."));
            }
            corner = LogoCorners.Name(parsed);
        }
        var (scale, scaleProblem) = Fraction(fields, "scale", DefaultScale, LogoOverlay.MinScale, LogoOverlay.MaxScale, "of the video's width");
        var (opacity, opacityProblem) = Fraction(fields, "opacity", DefaultOpacity, LogoOverlay.MinOpacity, 1, "(1 is opaque)");
        var problem = scaleProblem ?? opacityProblem;
        return problem is not null ? (failed, problem) : (new LogoSettings(corner, scale, opacity), null);
    }

    private static (double Value, IResult? Problem) Fraction(IReadOnlyDictionary<string, string> fields, string name, double fallback, double min, double max, string meaning)
    {
        if (!fields.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
        {
            return (fallback, null);
        }
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? (value, null)
            : (fallback, Problems.BadRequest($"{name} must be a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} {meaning}, not '{text}'."));
    }

    /// <summary>A header can lie: FFmpeg decodes the whole image once, before any video depends on it.</summary>
    private static async Task<IResult?> DecodeProblemAsync(byte[] png, IMediaEncoder media, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"streamio-logo-{Guid.NewGuid():N}.png");
        try
        {
            await File.WriteAllBytesAsync(path, png, cancellationToken);
            await media.CheckLogoAsync(path, cancellationToken);
            return null;
        }
        catch (MediaToolException failure)
        {
            return Problems.BadRequest($"The PNG cannot be decoded ({FfmpegRunner.Summary(failure.StderrTail)}): export it again from an image editor.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IResult LogoTooLarge() =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Logo too large",
            detail: $"A logo may be at most {MaxLogoBytes / 1024} KiB: export a smaller PNG (a few hundred pixels wide is plenty).");

    private static IResult NoProject(string id) => Problems.NotFound($"There is no project '{id}'.");

    private static IResult NoLogo(string id) => Problems.NotFound($"Project '{id}' has no logo: set one with PUT /v1/projects/{id}/watermark.");
}

/// <summary>The logo form, for the OpenAPI description.</summary>
public sealed record LogoForm(IFormFile Image, string? Position = null, double? Scale = null, double? Opacity = null);

/// <param name="Position">The corner: top-left, top-right, bottom-left or bottom-right.</param>
/// <param name="Scale">The logo's width as a fraction of the video's width.</param>
public sealed record LogoResponse(string Position, double Scale, double Opacity, int Width, int Height, DateTimeOffset UpdatedAt, string ImageUrl)
{
    public static LogoResponse From(string projectId, ProjectLogo logo) =>
        new(logo.Corner, logo.Scale, logo.Opacity, logo.Width, logo.Height, logo.UpdatedAt, $"/v1/projects/{projectId}/watermark/logo.png");
}
