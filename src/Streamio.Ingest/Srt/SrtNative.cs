using System.Runtime.InteropServices;

namespace Streamio.Ingest.Srt;

/// <summary>
/// The libsrt 1.5 C API the SRT ingest server calls (srt.h). Socket ids are <c>int32</c>; functions return -1
/// (<c>SRT_ERROR</c>) on failure, with the reason in a per-thread last error, so read it on the failing thread.
/// </summary>
internal static unsafe partial class SrtNative
{
    /// <summary>The import name; <see cref="SrtLibrary"/> maps it to the library actually loaded.</summary>
    public const string LibraryName = "libsrt-gnutls.so.1.5";

    public const int Error = -1;

    [LibraryImport(LibraryName, EntryPoint = "srt_startup")]
    public static partial int Startup();

    [LibraryImport(LibraryName, EntryPoint = "srt_cleanup")]
    public static partial int Cleanup();

    /// <summary>libsrt's own logging threshold, a syslog level (<see cref="LogCritical"/> keeps only the critical).</summary>
    [LibraryImport(LibraryName, EntryPoint = "srt_setloglevel")]
    public static partial void SetLogLevel(int level);

    public const int LogCritical = 2;

    [LibraryImport(LibraryName, EntryPoint = "srt_getversion")]
    public static partial uint GetVersion();

    [LibraryImport(LibraryName, EntryPoint = "srt_create_socket")]
    public static partial int CreateSocket();

    [LibraryImport(LibraryName, EntryPoint = "srt_bind")]
    public static partial int Bind(int socket, byte* address, int addressLength);

    [LibraryImport(LibraryName, EntryPoint = "srt_listen")]
    public static partial int Listen(int socket, int backlog);

    /// <summary><c>hook</c>: <c>int (*)(void* opaque, SRTSOCKET ns, int hsversion, const sockaddr* peer, const char* streamid)</c>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "srt_listen_callback")]
    public static partial int ListenCallback(int listener, delegate* unmanaged[Cdecl]<nint, int, int, nint, nint, int> hook, nint opaque);

    [LibraryImport(LibraryName, EntryPoint = "srt_accept")]
    public static partial int Accept(int listener, byte* address, int* addressLength);

    [LibraryImport(LibraryName, EntryPoint = "srt_getsockname")]
    public static partial int GetSockName(int socket, byte* address, int* addressLength);

    [LibraryImport(LibraryName, EntryPoint = "srt_setsockflag")]
    public static partial int SetSockFlag(int socket, SrtOption option, void* value, int valueLength);

    [LibraryImport(LibraryName, EntryPoint = "srt_getsockflag")]
    public static partial int GetSockFlag(int socket, SrtOption option, void* value, int* valueLength);

    [LibraryImport(LibraryName, EntryPoint = "srt_getsockstate")]
    public static partial SrtSocketStatus GetSockState(int socket);

    [LibraryImport(LibraryName, EntryPoint = "srt_setrejectreason")]
    public static partial int SetRejectReason(int socket, int reason);

    /// <summary>In live mode one call returns one message: at most one packet's payload (1316 bytes of MPEG-TS by default).</summary>
    [LibraryImport(LibraryName, EntryPoint = "srt_recvmsg")]
    public static partial int ReceiveMessage(int socket, byte* buffer, int length);

    [LibraryImport(LibraryName, EntryPoint = "srt_close")]
    public static partial int Close(int socket);

    [LibraryImport(LibraryName, EntryPoint = "srt_getlasterror")]
    public static partial int GetLastError(int* systemErrno);

    [LibraryImport(LibraryName, EntryPoint = "srt_getlasterror_str")]
    private static partial nint GetLastErrorText();

    /// <summary>This thread's last libsrt error as text (libsrt owns the string; it is copied, never freed).</summary>
    public static string LastError() => Marshal.PtrToStringUTF8(GetLastErrorText()) ?? "unknown libsrt error";

    public static int LastErrorCode() => GetLastError(null);

    public static bool SetInt(int socket, SrtOption option, int value) => SetSockFlag(socket, option, &value, sizeof(int)) != Error;

    public static bool SetBool(int socket, SrtOption option, bool value) => SetInt(socket, option, value ? 1 : 0);

    public static bool SetBytes(int socket, SrtOption option, ReadOnlySpan<byte> value)
    {
        fixed (byte* pointer = value)
        {
            return SetSockFlag(socket, option, pointer, value.Length) != Error;
        }
    }
}

/// <summary><c>SRT_SOCKOPT</c> values of libsrt 1.5's srt.h (only those the server sets).</summary>
internal enum SrtOption
{
    ReceiveSynchronous = 2, // SRTO_RCVSYN: srt_accept and srt_recvmsg block
    Latency = 23, // SRTO_LATENCY (ms): sets both the receiver and the peer latency
    Passphrase = 26, // SRTO_PASSPHRASE: 10..79 bytes, or empty for no encryption
    TransmissionType = 50, // SRTO_TRANSTYPE: SRTT_LIVE = 0
    EnforcedEncryption = 53, // SRTO_ENFORCEDENCRYPTION: both sides encrypted with the same passphrase, or no connection
    Ipv6Only = 54, // SRTO_IPV6ONLY: must be set before binding the IPv6 wildcard
    PeerIdleTimeout = 55, // SRTO_PEERIDLETIMEO (ms): silence from the peer after which the connection breaks
}

/// <summary><c>SRT_SOCKSTATUS</c>.</summary>
internal enum SrtSocketStatus
{
    Init = 1,
    Opened,
    Listening,
    Connecting,
    Connected,
    Broken,
    Closing,
    Closed,
    NonExistent,
}

/// <summary>Rejection codes a listen callback may set (libsrt's access_control.h: HTTP codes + 1000).</summary>
internal static class SrtRejection
{
    public const int BadRequest = 1400; // SRT_REJX_BAD_REQUEST: the stream id cannot be read
    public const int Overload = 1402; // SRT_REJX_OVERLOAD: the silo takes no more publishers
    public const int Forbidden = 1403; // SRT_REJX_FORBIDDEN: the key may not publish
    public const int BadMode = 1405; // SRT_REJX_BAD_MODE: m=request (playback) is not offered over SRT
    public const int InternalError = 1500; // SRT_REJX_ISE: the authorizer failed or did not answer in time
    public const int Down = 1503; // SRT_REJX_DOWN: the server is stopping
}

/// <summary>Error codes of <c>srt_getlasterror</c> the server tells apart.</summary>
internal static class SrtErrors
{
    public const int ConnectionLost = 2001; // SRT_ECONNLOST
    public const int NoConnection = 2002; // SRT_ENOCONN
    public const int InvalidSocket = 5004; // SRT_EINVSOCK
    public const int NotListening = 5006; // SRT_ENOLISTEN
    public const int SocketClosed = 1005; // SRT_ESCLOSED
}
