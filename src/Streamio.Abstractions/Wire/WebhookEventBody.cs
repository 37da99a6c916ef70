namespace Streamio.Abstractions.Wire;

/// <summary>The body every delivery of an event carries: the video has the shape of GET /v1/videos/{id}.</summary>
public sealed record WebhookEventBody(string Id, string Type, DateTimeOffset CreatedAt, VideoResponse Video);
