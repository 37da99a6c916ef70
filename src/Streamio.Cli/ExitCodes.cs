namespace Streamio.Cli;

/// <summary>
/// What `streamio` exits with. Scripts rely on these: they are documented in `streamio --help` and the README, and
/// never change meaning.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Bad arguments or configuration (System.CommandLine's own parse errors exit with 1 too).</summary>
    public const int Usage = 1;

    /// <summary>What was named does not exist: a video, upload, project, key, webhook, or a local file.</summary>
    public const int NotFound = 2;

    /// <summary>No key, a wrong or revoked key, or the wrong kind of key (HTTP 401 or 403).</summary>
    public const int Auth = 3;

    /// <summary>The server could not be reached, timed out or failed (HTTP 5xx).</summary>
    public const int Unavailable = 4;

    /// <summary>The video failed to encode (its status is <c>failed</c>).</summary>
    public const int VideoFailed = 5;

    /// <summary>The server refused the request as it stands (HTTP 400, 409, 413, 415): the detail says why.</summary>
    public const int Refused = 6;

    /// <summary>Interrupted (Ctrl+C); an upload resumes where it stopped when the same command runs again.</summary>
    public const int Interrupted = 130;

    public const string HelpText =
        "Exit codes: 0 ok, 1 usage or configuration error, 2 not found (video, upload, project, key, webhook or local file), " +
        "3 authentication (401/403), 4 server unreachable or failing (network, timeout, 5xx), 5 video failed to encode, " +
        "6 refused by the server (400/409/413/415), 130 interrupted (run the same upload again to resume).";
}

/// <summary>
/// A failure the CLI reports as one line on stderr and an exit code (and, with --json, a JSON error on stdout), unless
/// the command <paramref name="reported"/> it already in its own output.
/// </summary>
public sealed class CliException(int exitCode, string message, int? httpStatus = null, bool reported = false) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public int? HttpStatus { get; } = httpStatus;

    public bool Reported { get; } = reported;
}
