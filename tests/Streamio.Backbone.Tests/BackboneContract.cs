namespace Streamio.Backbone.Tests;

/// <summary>
/// What every backbone backend must do. A backend's test class derives from this and supplies a fresh, migrated
/// backbone driven by the given clock; the same assertions then hold for SQLite and PostgreSQL alike.
/// </summary>
public abstract class BackboneContract
{
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected BackboneSignals Signals { get; } = new();

    protected abstract Task<IBackbone> CreateBackboneAsync();

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static CancellationToken None => CancellationToken.None;

    private static GrainCommit Commit(Action<GrainCommit> build)
    {
        var commit = new GrainCommit();
        build(commit);
        return commit;
    }

    private static Task EnqueueAsync(IBackbone backbone, string kind, int priority = 0, string group = "g", int maxAttempts = 3) =>
        backbone.CommitAsync(Commit(c => c.Enqueue.Add(new NewWork(kind, "{}", group, priority, maxAttempts))), None);

    [Fact]
    public async Task A_grain_is_created_read_and_updated_with_its_version()
    {
        var backbone = await CreateBackboneAsync();
        var id = new GrainId("video", "v1");
        await backbone.CommitAsync(Commit(c => c.Writes.Add(new GrainWrite(id, """{"n":1}""", 0))), None);

        var created = await backbone.ReadAsync(id, None);
        Assert.NotNull(created);
        Assert.Equal(1, created.Version);
        Assert.Equal("""{"n":1}""", created.StateJson);

        await backbone.CommitAsync(Commit(c => c.Writes.Add(new GrainWrite(id, """{"n":2}""", 1))), None);
        var updated = await backbone.ReadAsync(id, None);
        Assert.Equal(2, updated!.Version);
        Assert.Equal("""{"n":2}""", updated.StateJson);
        Assert.Null(await backbone.ReadAsync(new GrainId("video", "missing"), None));
    }

    [Fact]
    public async Task A_stale_version_or_a_second_create_is_a_conflict_and_changes_nothing()
    {
        var backbone = await CreateBackboneAsync();
        var id = new GrainId("video", "v1");
        await backbone.CommitAsync(Commit(c => c.Writes.Add(new GrainWrite(id, "{}", 0))), None);
        var sequenceBefore = await backbone.LatestSequenceAsync(None);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => backbone.CommitAsync(Commit(c =>
        {
            c.Writes.Add(new GrainWrite(new GrainId("variant", "v1/360p"), "{}", 0));
            c.Writes.Add(new GrainWrite(id, """{"stale":true}""", 7));
            c.Enqueue.Add(new NewWork("encode", "{}", "v1"));
            c.Events.Add(new NewEvent("video", "v1", "{}"));
        }), None));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            backbone.CommitAsync(Commit(c => c.Writes.Add(new GrainWrite(id, "{}", 0))), None));

        Assert.Equal("{}", (await backbone.ReadAsync(id, None))!.StateJson);
        Assert.Null(await backbone.ReadAsync(new GrainId("variant", "v1/360p"), None));
        Assert.Null(await backbone.TryClaimAsync("silo", Lease, None));
        Assert.Equal(sequenceBefore, await backbone.LatestSequenceAsync(None));
    }

    [Fact]
    public async Task State_work_and_events_commit_together()
    {
        var backbone = await CreateBackboneAsync();
        var id = new GrainId("video", "v1");
        await backbone.CommitAsync(Commit(c =>
        {
            c.Writes.Add(new GrainWrite(id, "{}", 0));
            c.Enqueue.Add(new NewWork("probe", """{"videoId":"v1"}""", "v1"));
            c.Events.Add(new NewEvent("video", "v1", """{"status":"uploaded"}"""));
        }), None);

        var lease = await backbone.TryClaimAsync("silo", Lease, None);
        Assert.NotNull(lease);
        Assert.Equal("probe", lease.Kind);
        Assert.Equal("""{"videoId":"v1"}""", lease.PayloadJson);
        var events = await backbone.ReadAfterAsync(0, 10, None);
        Assert.Equal("""{"status":"uploaded"}""", Assert.Single(events).PayloadJson);
    }

    [Fact]
    public async Task Grains_are_listed_by_prefix_and_paged_newest_first()
    {
        var backbone = await CreateBackboneAsync();
        foreach (var key in new[] { "a", "b", "c", "d", "e" })
        {
            await backbone.CommitAsync(Commit(c => c.Writes.Add(new GrainWrite(new GrainId("video", key), "{}", 0))), None);
            Clock.Advance(TimeSpan.FromSeconds(1));
        }
        await backbone.CommitAsync(Commit(c =>
        {
            c.Writes.Add(new GrainWrite(new GrainId("variant", "a/360p"), "{}", 0));
            c.Writes.Add(new GrainWrite(new GrainId("variant", "a/720p"), "{}", 0));
            c.Writes.Add(new GrainWrite(new GrainId("variant", "ab/360p"), "{}", 0));
        }), None);

        var variants = await backbone.ReadByPrefixAsync("variant", "a/", None);
        Assert.Equal(["a/360p", "a/720p"], variants.Select(v => v.Id.Key));

        var first = await backbone.PageAsync("video", "", null, 2, None);
        Assert.Equal(["e", "d"], first.Select(v => v.Id.Key));
        var second = await backbone.PageAsync("video", "", new GrainPageCursor(first[^1].CreatedAt.ToUnixTimeMilliseconds(), first[^1].Id.Key), 2, None);
        Assert.Equal(["c", "b"], second.Select(v => v.Id.Key));
        var last = await backbone.PageAsync("video", "", new GrainPageCursor(second[^1].CreatedAt.ToUnixTimeMilliseconds(), second[^1].Id.Key), 2, None);
        Assert.Equal(["a"], last.Select(v => v.Id.Key));

        // A key prefix pages one slice (a project's videos) and ignores keys that merely share characters.
        var slice = await backbone.PageAsync("variant", "a/", null, 1, None);
        Assert.Equal(["a/720p"], slice.Select(v => v.Id.Key));
        var rest = await backbone.PageAsync("variant", "a/", new GrainPageCursor(slice[0].CreatedAt.ToUnixTimeMilliseconds(), slice[0].Id.Key), 5, None);
        Assert.Equal(["a/360p"], rest.Select(v => v.Id.Key));
    }

    [Fact]
    public async Task Deleting_removes_the_grain_and_cancels_its_work_group()
    {
        var backbone = await CreateBackboneAsync();
        var id = new GrainId("video", "v1");
        await backbone.CommitAsync(Commit(c =>
        {
            c.Writes.Add(new GrainWrite(id, "{}", 0));
            c.Enqueue.Add(new NewWork("encode", "{}", "v1"));
            c.Enqueue.Add(new NewWork("encode", "{}", "other"));
        }), None);

        await backbone.CommitAsync(Commit(c =>
        {
            c.Deletes.Add(id);
            c.CancelWorkGroup = "v1";
        }), None);

        Assert.Null(await backbone.ReadAsync(id, None));
        Assert.Empty(await backbone.ListGroupAsync("v1", None));
        Assert.Single(await backbone.ListGroupAsync("other", None));
    }

    [Fact]
    public async Task Work_is_claimed_by_priority_then_in_order()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "low-1", priority: 1);
        await EnqueueAsync(backbone, "high", priority: 9);
        await EnqueueAsync(backbone, "low-2", priority: 1);

        var order = new List<string>();
        while (await backbone.TryClaimAsync("silo", Lease, None) is { } lease)
        {
            order.Add(lease.Kind);
        }
        Assert.Equal(["high", "low-1", "low-2"], order);
    }

    [Fact]
    public async Task Concurrent_claimers_never_get_the_same_item()
    {
        var backbone = await CreateBackboneAsync();
        for (var i = 0; i < 40; i++)
        {
            await EnqueueAsync(backbone, $"w{i}");
        }

        var claimed = await Task.WhenAll(Enumerable.Range(0, 4).Select(claimer => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await backbone.TryClaimAsync($"silo-{claimer}", Lease, None) is { } lease)
            {
                mine.Add(lease.WorkId);
            }
            return mine;
        })));

        var all = claimed.SelectMany(ids => ids).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
    }

    [Fact]
    public async Task An_expired_lease_is_claimable_again_and_the_old_holder_loses_it()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "encode");
        var first = await backbone.TryClaimAsync("silo-a", Lease, None);
        Assert.NotNull(first);
        Assert.Null(await backbone.TryClaimAsync("silo-b", Lease, None));

        Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = await backbone.TryClaimAsync("silo-b", Lease, None);

        Assert.NotNull(second);
        Assert.Equal(first.WorkId, second.WorkId);
        Assert.Equal(2, second.Attempt);
        Assert.False(await backbone.RenewAsync(first, Lease, None));
        await Assert.ThrowsAsync<LeaseLostException>(() =>
            backbone.CommitAsync(Commit(c => c.RequireLease = first), None));
        Assert.True(await backbone.RenewAsync(second, Lease, None));
        await backbone.CommitAsync(Commit(c => c.RequireLease = second), None);
    }

    [Fact]
    public async Task A_renewed_lease_does_not_expire()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "encode");
        var lease = (await backbone.TryClaimAsync("silo-a", Lease, None))!;
        for (var i = 0; i < 3; i++)
        {
            Clock.Advance(Lease / 2);
            Assert.True(await backbone.RenewAsync(lease, Lease, None));
        }
        Assert.Null(await backbone.TryClaimAsync("silo-b", Lease, None));
    }

    [Fact]
    public async Task A_failed_attempt_keeps_its_error_and_retries_after_the_delay_until_exhausted()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "encode", maxAttempts: 2);

        var first = (await backbone.TryClaimAsync("silo", Lease, None))!;
        await backbone.FailAsync(first, "ffmpeg crashed", TimeSpan.FromSeconds(10), None);
        Assert.Null(await backbone.TryClaimAsync("silo", Lease, None));

        Clock.Advance(TimeSpan.FromSeconds(11));
        var second = (await backbone.TryClaimAsync("silo", Lease, None))!;
        Assert.Equal(2, second.Attempt);
        Assert.Equal("ffmpeg crashed", second.LastError);
        Assert.False(second.IsExhausted);
        await backbone.FailAsync(second, "ffmpeg crashed again", TimeSpan.Zero, None);

        var third = (await backbone.TryClaimAsync("silo", Lease, None))!;
        Assert.True(third.IsExhausted);
        Assert.Equal("ffmpeg crashed again", third.LastError);
        await backbone.CompleteAsync(third, None);
        Assert.Null(await backbone.TryClaimAsync("silo", Lease, None));
    }

    [Fact]
    public async Task Handing_work_back_does_not_count_an_attempt()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "encode");
        var lease = (await backbone.TryClaimAsync("silo", Lease, None))!;
        await backbone.ReleaseAsync(lease, None);

        var again = (await backbone.TryClaimAsync("silo-2", Lease, None))!;
        Assert.Equal(1, again.Attempt);
    }

    [Fact]
    public async Task A_lost_silos_leases_are_handed_back_at_once()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "a");
        await EnqueueAsync(backbone, "b");
        await backbone.TryClaimAsync("dead", Lease, None);
        await backbone.TryClaimAsync("alive", Lease, None);

        Assert.Equal(1, await backbone.ReleaseLeasesOfAsync("dead", None));
        var reclaimed = (await backbone.TryClaimAsync("alive", Lease, None))!;
        Assert.Equal("a", reclaimed.Kind);
        Assert.Equal(2, reclaimed.Attempt);
    }

    [Fact]
    public async Task A_commit_can_complete_its_lease()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "encode");
        var lease = (await backbone.TryClaimAsync("silo", Lease, None))!;
        await backbone.CommitAsync(Commit(c =>
        {
            c.RequireLease = lease;
            c.CompletesLease = true;
            c.Enqueue.Add(new NewWork("next", "{}", "g"));
        }), None);

        var depth = await backbone.DepthAsync(None);
        Assert.Equal([new QueueDepth("next", 1, 0)], depth);
    }

    [Fact]
    public async Task Queue_depth_counts_waiting_and_leased_items_by_kind()
    {
        var backbone = await CreateBackboneAsync();
        await EnqueueAsync(backbone, "chunk", priority: 1);
        await EnqueueAsync(backbone, "chunk");
        await EnqueueAsync(backbone, "audio");
        await EnqueueAsync(backbone, "finish");
        await backbone.TryClaimAsync("silo", Lease, None);
        var retried = (await backbone.TryClaimAsync("silo", Lease, None))!;
        await backbone.FailAsync(retried, "boom", TimeSpan.FromMinutes(1), None); // waiting for its retry still counts as queued

        var depth = (await backbone.DepthAsync(None)).OrderBy(kind => kind.Kind, StringComparer.Ordinal);
        Assert.Equal([new QueueDepth("audio", 1, 0), new QueueDepth("chunk", 1, 1), new QueueDepth("finish", 1, 0)], depth);
    }

    [Fact]
    public async Task Events_are_read_in_commit_order_after_a_sequence_and_pruned_by_age()
    {
        var backbone = await CreateBackboneAsync();
        for (var i = 0; i < 5; i++)
        {
            await backbone.CommitAsync(Commit(c => c.Events.Add(new NewEvent("video", "v1", $$"""{"i":{{i}}}"""))), None);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }
        var all = await backbone.ReadAfterAsync(0, 100, None);
        Assert.Equal(5, all.Count);
        Assert.True(all.Select(e => e.Sequence).SequenceEqual(all.Select(e => e.Sequence).Order()));
        var tail = await backbone.ReadAfterAsync(all[2].Sequence, 100, None);
        Assert.Equal(["""{"i":3}""", """{"i":4}"""], tail.Select(e => e.PayloadJson));
        Assert.Equal(all[^1].Sequence, await backbone.LatestSequenceAsync(None));

        Assert.Equal(3, await backbone.PruneAsync(all[3].At, None));
        Assert.Equal(2, (await backbone.ReadAfterAsync(0, 100, None)).Count);
    }

    [Fact]
    public async Task Silos_join_heartbeat_and_leave()
    {
        var backbone = await CreateBackboneAsync();
        await backbone.JoinAsync(new SiloInfo("s1", "host", "silo", Clock.GetUtcNow(), Clock.GetUtcNow(), 0), None);
        Clock.Advance(TimeSpan.FromSeconds(5));
        await backbone.HeartbeatAsync("s1", 2, None);

        var silo = Assert.Single(await backbone.ListAsync(None));
        Assert.Equal(Clock.GetUtcNow(), silo.HeartbeatAt);
        Assert.Equal(2, silo.RunningWork);

        await backbone.LeaveAsync("s1", None);
        Assert.Empty(await backbone.ListAsync(None));
    }

    [Fact]
    public async Task Commits_wake_local_waiters()
    {
        var backbone = await CreateBackboneAsync();
        var workWaiter = Signals.WaitForWorkAsync(TimeSpan.FromMinutes(5), None);
        var eventWaiter = Signals.WaitForEventsAsync(TimeSpan.FromMinutes(5), None);
        await backbone.CommitAsync(Commit(c =>
        {
            c.Enqueue.Add(new NewWork("x", "{}", "g"));
            c.Events.Add(new NewEvent("t", "k", "{}"));
        }), None);
        await workWaiter;
        await eventWaiter;
        Assert.True(workWaiter.IsCompletedSuccessfully && eventWaiter.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Migrating_twice_is_harmless_and_the_backbone_is_reachable()
    {
        var backbone = await CreateBackboneAsync();
        await backbone.MigrateAsync(None);
        Assert.True(await backbone.IsReachableAsync(None));
    }
}
