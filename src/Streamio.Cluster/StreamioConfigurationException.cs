namespace Streamio.Cluster;

/// <summary>A Streamio setting is missing, malformed or contradicts another; the message names the setting.</summary>
public sealed class StreamioConfigurationException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
