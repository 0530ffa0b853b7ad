using System;

namespace PacketFlow.Client
{
    /// <summary>
    /// The two forms of one gateway address, without a trailing slash. The gateway answers HTTP (guest tokens,
    /// matchmaking) and WebSocket (rooms) on one address, so a game may give either form.
    /// </summary>
    public sealed class GatewayEndpoint
    {
        private GatewayEndpoint(string http, string ws)
        {
            Http = http;
            Ws = ws;
        }

        /// <summary><c>http(s)://…</c>, for the gateway's HTTP routes.</summary>
        public string Http { get; }

        /// <summary><c>ws(s)://…</c>, for the Colyseus client.</summary>
        public string Ws { get; }

        /// <summary>Parses an <c>http(s)://</c> or <c>ws(s)://</c> base address (a path prefix is kept); throws an ArgumentException for anything else.</summary>
        public static GatewayEndpoint Parse(string endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out Uri uri))
                throw new ArgumentException($"gateway endpoint \"{endpoint}\" is not a URL", nameof(endpoint));
            bool secure;
            switch (uri.Scheme)
            {
                case "http":
                case "ws":
                    secure = false;
                    break;
                case "https":
                case "wss":
                    secure = true;
                    break;
                default:
                    throw new ArgumentException($"gateway endpoint {endpoint}: expected http(s):// or ws(s)://", nameof(endpoint));
            }
            if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
                throw new ArgumentException($"gateway endpoint {endpoint}: a base address has no query or fragment", nameof(endpoint));
            string rest = "//" + uri.Authority + uri.AbsolutePath.TrimEnd('/');
            return new GatewayEndpoint((secure ? "https:" : "http:") + rest, (secure ? "wss:" : "ws:") + rest);
        }
    }
}
