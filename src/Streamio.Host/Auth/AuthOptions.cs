namespace Streamio.Host.Auth;

/// <summary>Who may call the API (configuration section <c>Streamio:Auth</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>The admin key: manages projects and their keys, and reads cluster state. Empty: no admin access at all.</summary>
    public string AdminKey { get; set; } = "";

    /// <summary>
    /// Requests without a key act in the "default" project, but only from loopback (a laptop, the tests). Turn it off
    /// behind a reverse proxy on the same machine: every proxied request comes from loopback.
    /// </summary>
    public bool AllowAnonymous { get; set; } = true;
}
