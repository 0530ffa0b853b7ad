using System;
using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>
    /// A token from the gateway's <c>POST /auth/guest</c>: <c>{ "token", "playerId", "expiresAt" }</c>. The token
    /// itself is opaque to clients: it goes to the gateway as the Colyseus auth token, and the gateway decides.
    /// </summary>
    public sealed class GuestToken
    {
        public GuestToken(string token, string playerId, double expiresAtMs)
        {
            Token = token;
            PlayerId = playerId;
            ExpiresAtMs = expiresAtMs;
        }

        public string Token { get; }
        public string PlayerId { get; }

        /// <summary>Expiry, milliseconds since the Unix epoch.</summary>
        public double ExpiresAtMs { get; }

        public DateTimeOffset ExpiresAt => DateTimeOffset.FromUnixTimeMilliseconds((long)ExpiresAtMs);

        /// <summary>Whether the gateway would already refuse the token (it refuses one whose expiry is at or before now).</summary>
        public bool IsExpired(double nowUnixMs) => ExpiresAtMs <= nowUnixMs;

        /// <summary>
        /// Whether the token expires within <paramref name="marginMs"/>: a join takes a round trip or two, and a
        /// reconnection may come much later, so a game asks for a new token before the old one runs out.
        /// </summary>
        public bool ExpiresWithin(double nowUnixMs, double marginMs) => ExpiresAtMs - marginMs <= nowUnixMs;

        /// <summary>Reads the gateway's answer; throws a PacketFlowException (UnreadableMessage) for anything else.</summary>
        public static GuestToken Parse(string json)
        {
            Dictionary<string, object> body;
            try
            {
                body = JsonReader.ParseObject(json);
            }
            catch (FormatException e)
            {
                throw new PacketFlowException(SdkErrorCode.UnreadableMessage, $"guest token response: {e.Message}", e);
            }
            body.TryGetValue("token", out object token);
            body.TryGetValue("playerId", out object playerId);
            body.TryGetValue("expiresAt", out object expiresAt);
            if (!(token is string tokenText && tokenText.Length > 0 &&
                  playerId is string playerIdText && playerIdText.Length > 0 &&
                  expiresAt is double expiry))
            {
                throw new PacketFlowException(
                    SdkErrorCode.UnreadableMessage,
                    "guest token response lacks token, playerId or expiresAt");
            }
            return new GuestToken(tokenText, playerIdText, expiry);
        }
    }
}
