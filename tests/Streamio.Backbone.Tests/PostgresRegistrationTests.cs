using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Streamio.Backbone.Postgres;
using Streamio.Backbone.Sqlite;

namespace Streamio.Backbone.Tests;

/// <summary>Configuration alone picks the backend, whichever order the two registrations run in.</summary>
public sealed class PostgresRegistrationTests
{
    private static ServiceProvider Build(string kind, string connectionString, bool postgresFirst)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Streamio:Backbone:Kind"] = kind,
            ["Streamio:Backbone:ConnectionString"] = connectionString,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        if (postgresFirst)
        {
            services.AddStreamioPostgresBackbone(configuration).AddStreamioBackbone(configuration);
        }
        else
        {
            services.AddStreamioBackbone(configuration).AddStreamioPostgresBackbone(configuration);
        }
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Kind_Postgres_registers_the_postgres_backbone_and_its_listener(bool postgresFirst)
    {
        // Nothing connects here: the backbone opens connections only when called.
        using var provider = Build("Postgres", "Host=127.0.0.1;Username=streamio;Database=streamio", postgresFirst);

        var backbone = Assert.IsType<PostgresBackbone>(provider.GetRequiredService<IBackbone>());
        Assert.Same(backbone, provider.GetRequiredService<IWorkQueue>());
        Assert.Contains(provider.GetServices<IHostedService>(), service => service is PostgresNotificationListener);
    }

    [Fact]
    public void Kind_Sqlite_is_left_alone()
    {
        using var provider = Build("Sqlite", "Data Source=unused.db", postgresFirst: true);

        Assert.IsType<SqliteBackbone>(provider.GetRequiredService<IBackbone>());
        Assert.DoesNotContain(provider.GetServices<IHostedService>(), service => service is PostgresNotificationListener);
    }

    [Fact]
    public void A_sqlite_connection_string_with_kind_Postgres_is_a_clear_error()
    {
        using var provider = Build("Postgres", "Data Source=data/streamio.db", postgresFirst: false);

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IBackbone>());
        Assert.Contains("PostgreSQL connection string", error.Message);
    }
}
