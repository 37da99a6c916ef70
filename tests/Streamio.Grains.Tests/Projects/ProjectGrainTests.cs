using Streamio.Abstractions.Projects;
using Streamio.Grains.Projects;

namespace Streamio.Grains.Tests.Projects;

/// <summary>Projects, their keys and the key lookup, on two real silos.</summary>
[Collection(ProjectsClusterCollection.Name)]
public sealed class ProjectGrainTests(ProjectsClusterFixture fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static string NewId() => ProjectIds.New();

    [Fact]
    public async Task Creating_a_project_twice_keeps_the_first_and_lists_it_once()
    {
        var id = NewId();
        var first = await Grains.GetGrain<IProjectGrain>(id).CreateAsync("First");
        var again = await Grains.GetGrain<IProjectGrain>(id).CreateAsync("Second");

        Assert.Equal((id, "First", first.CreatedAt), (again.Id, again.Name, again.CreatedAt));
        Assert.Single(await ProjectDirectory.Of(Grains).ListAsync(), listed => listed == id);
        Assert.Null(await Grains.GetGrain<IProjectGrain>(NewId()).GetAsync());
    }

    [Fact]
    public async Task A_key_is_found_by_its_prefix_checked_by_its_hash_and_stored_only_as_a_hash()
    {
        var id = NewId();
        var project = Grains.GetGrain<IProjectGrain>(id);
        await project.CreateAsync("Keys");

        var issued = (await project.CreateKeyAsync("production"))!;
        var prefix = ApiKeys.PrefixOf(issued.Key)!;
        Assert.Equal((prefix, "production"), (issued.Record.Prefix, issued.Record.Name));
        Assert.Equal(new ApiKeyLocation(id, issued.Record.Id), await Grains.GetGrain<IApiKeyGrain>(prefix).GetAsync());
        Assert.Equal(KeyCheck.Valid, await project.CheckKeyAsync(issued.Record.Id, ApiKeys.Hash(issued.Key)));
        Assert.Equal(KeyCheck.Invalid, await project.CheckKeyAsync(issued.Record.Id, ApiKeys.Hash(issued.Key + "x")));
        Assert.Equal(KeyCheck.Invalid, await project.CheckKeyAsync("key_missing", ApiKeys.Hash(issued.Key)));
        Assert.Null(await Grains.GetGrain<IApiKeyGrain>("000000000000").GetAsync());

        var stored = await fixture.StoredStateAsync("project", "project", id);
        Assert.NotNull(stored);
        Assert.DoesNotContain(issued.Key, stored);
        Assert.Contains(ApiKeys.Hash(issued.Key), stored);
        Assert.Contains(prefix, stored);
        var lookups = await fixture.StoredStatesAsync("api-key", "api-key");
        Assert.Contains(lookups, row => row.Json.Contains(issued.Record.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(lookups, row => row.Json.Contains(issued.Key, StringComparison.Ordinal));
        // The hash never leaves the grain either.
        Assert.DoesNotContain(ApiKeys.Hash(issued.Key), (await project.GetAsync())!.ToString());
    }

    [Fact]
    public async Task A_rotation_overlaps_or_not_and_a_revoked_key_stops_at_once()
    {
        var project = Grains.GetGrain<IProjectGrain>(NewId());
        await project.CreateAsync("Rotation");
        var first = (await project.CreateKeyAsync("ci"))!;

        var rotated = await project.RotateKeyAsync(first.Record.Id, TimeSpan.FromHours(1));
        Assert.Equal(RotationOutcome.Rotated, rotated.Outcome);
        var second = rotated.Issued!;
        Assert.Equal("ci", second.Record.Name);
        Assert.Equal(KeyCheck.Valid, await project.CheckKeyAsync(first.Record.Id, ApiKeys.Hash(first.Key)));
        Assert.Equal(KeyCheck.Valid, await project.CheckKeyAsync(second.Record.Id, ApiKeys.Hash(second.Key)));
        var old = (await project.GetAsync())!.Key(first.Record.Id)!;
        Assert.Equal(second.Record.Id, old.ReplacedBy);
        Assert.InRange(old.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        var third = (await project.RotateKeyAsync(second.Record.Id, TimeSpan.Zero)).Issued!;
        Assert.Equal(KeyCheck.Revoked, await project.CheckKeyAsync(second.Record.Id, ApiKeys.Hash(second.Key)));
        Assert.Equal(KeyCheck.Valid, await project.CheckKeyAsync(third.Record.Id, ApiKeys.Hash(third.Key)));
        Assert.Equal(RotationOutcome.NotActive, (await project.RotateKeyAsync(second.Record.Id, TimeSpan.Zero)).Outcome);
        Assert.Equal(RotationOutcome.NoKey, (await project.RotateKeyAsync("key_missing", TimeSpan.Zero)).Outcome);

        Assert.True(await project.RevokeKeyAsync(third.Record.Id));
        Assert.True(await project.RevokeKeyAsync(third.Record.Id));
        Assert.False(await project.RevokeKeyAsync("key_missing"));
        Assert.Equal(KeyCheck.Revoked, await project.CheckKeyAsync(third.Record.Id, ApiKeys.Hash(third.Key)));
        var keys = (await project.GetAsync())!.Keys;
        Assert.Equal(3, keys.Count);
        Assert.Equal(1, keys.Count(key => key.IsActive(DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task Nothing_happens_to_a_project_that_does_not_exist()
    {
        var missing = Grains.GetGrain<IProjectGrain>(NewId());

        Assert.Null(await missing.CreateKeyAsync("x"));
        Assert.Equal(RotationOutcome.NoProject, (await missing.RotateKeyAsync("key_x", TimeSpan.Zero)).Outcome);
        Assert.False(await missing.RevokeKeyAsync("key_x"));
        Assert.Null(await missing.AddWebhookAsync("http://127.0.0.1:1/hooks", ["video.ready"]));
        Assert.False(await missing.RemoveWebhookAsync("wh_x"));
        Assert.Null(await missing.GetAsync());
    }

    [Fact]
    public async Task A_webhook_shows_its_secret_once_and_is_listed_until_removed()
    {
        var project = Grains.GetGrain<IProjectGrain>(NewId());
        await project.CreateAsync("Hooks");

        var created = (await project.AddWebhookAsync("https://example.com/hooks", ["video.ready", "video.failed"]))!;
        Assert.StartsWith("whsec_", created.Secret);
        var listed = Assert.Single((await project.GetAsync())!.Webhooks);
        Assert.Equal((created.Webhook.Id, "https://example.com/hooks"), (listed.Id, listed.Url));
        Assert.Equal(["video.ready", "video.failed"], listed.Events);
        Assert.DoesNotContain(created.Secret, listed.ToString());

        Assert.True(await project.RemoveWebhookAsync(created.Webhook.Id));
        Assert.False(await project.RemoveWebhookAsync(created.Webhook.Id));
        Assert.Empty((await project.GetAsync())!.Webhooks);
    }
}
