using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Colyseus;
using UnityEngine.Networking;
using ColyseusClient = Colyseus.Client;

namespace PacketFlow.Client
{
    /// <summary>
    /// Talks to one PacketFlow gateway: guest tokens over HTTP (UnityWebRequest), matches over the Colyseus Unity
    /// SDK. Get a token (<see cref="Guest"/>, or set <see cref="Token"/> to one obtained elsewhere), then join a
    /// match; each join completes with a <see cref="MatchConnection"/> once the gateway has confirmed it. Use it
    /// from Unity's main thread.
    /// </summary>
    public sealed class PacketFlowClient
    {
        /// <param name="endpoint">The gateway's base address, <c>http(s)://…</c> or <c>ws(s)://…</c> (a path prefix is kept).</param>
        public PacketFlowClient(string endpoint)
        {
            Endpoint = GatewayEndpoint.Parse(endpoint);
        }

        public GatewayEndpoint Endpoint { get; }

        /// <summary>The token joins present; set by <see cref="Guest"/>, or by the game for a token obtained elsewhere.</summary>
        public string Token { get; set; }

        /// <summary>
        /// Asks the gateway for a guest token (<c>POST /auth/guest</c>) and keeps it for joins. Fails with a
        /// PacketFlowException carrying the HTTP status when the gateway refuses, with UnreadableMessage when the
        /// answer is not a token, and with an IOException when the gateway cannot be reached.
        /// </summary>
        public async Task<GuestToken> Guest()
        {
            string url = Endpoint.Http + "/auth/guest";
            using (var request = new UnityWebRequest(url, UnityWebRequest.kHttpVerbPOST))
            {
                request.downloadHandler = new DownloadHandlerBuffer();
                await Completion(request.SendWebRequest());
                if (request.result == UnityWebRequest.Result.ProtocolError)
                {
                    throw new PacketFlowException(
                        (int)request.responseCode,
                        $"guest token refused: {request.responseCode} {request.downloadHandler.text}");
                }
                if (request.result != UnityWebRequest.Result.Success) throw new IOException($"POST {url} failed: {request.error}");
                GuestToken token = GuestToken.Parse(request.downloadHandler.text);
                Token = token.Token;
                return token;
            }
        }

        /// <summary>Joins a match of the mode with room for one more player, or creates one.</summary>
        /// <param name="name">The display name other players see (1–32 printable characters); the gateway's default when null.</param>
        /// <param name="mode">The game mode (<see cref="GameModes"/>); <c>touch</c> when null. Matchmaking puts only players of one mode together.</param>
        public Task<MatchConnection> JoinOrCreate(string name = null, ConnectionSettings settings = null, string mode = null) =>
            Open(client => client.JoinOrCreate(ClientContract.MatchRoom, RoomOptions(name, mode)), settings);

        /// <summary>Creates a new match of the mode and joins it.</summary>
        public Task<MatchConnection> Create(string name = null, ConnectionSettings settings = null, string mode = null) =>
            Open(client => client.Create(ClientContract.MatchRoom, RoomOptions(name, mode)), settings);

        /// <summary>Joins the match with this id (the <see cref="MatchConnection.MatchId"/> of a player already in it).</summary>
        public Task<MatchConnection> Join(string matchId, string name = null, ConnectionSettings settings = null) =>
            Open(client => client.JoinById(matchId, RoomOptions(name, null)), settings);

        private static Dictionary<string, object> RoomOptions(string name, string mode)
        {
            var options = new Dictionary<string, object>();
            if (name != null) options["name"] = name;
            if (mode != null) options["mode"] = mode;
            return options;
        }

        /// <summary>
        /// One join. A Colyseus refusal (525 for a missing, forged or expired token, 522 for a match id with no
        /// match, 521 for a name the gateway refuses) becomes a PacketFlowException with the same code.
        /// </summary>
        private async Task<MatchConnection> Open(Func<ColyseusClient, Task<Room<NoState>>> join, ConnectionSettings settings)
        {
            settings = settings ?? new ConnectionSettings();
            // Refused before joining: a room joined with settings that then fail would hold a seat nobody uses.
            settings.Reconnection?.Validate();
            // A Colyseus client per join, as the TypeScript SDK does: the token belongs to the client, and the SDK
            // would otherwise present one it cached in PlayerPrefs.
            var client = new ColyseusClient(Endpoint.Ws);
            client.Auth.Token = Token;
            Room<NoState> room;
            try
            {
                room = await join(client);
            }
            catch (MatchMakeException e)
            {
                throw new PacketFlowException(e.Code, e.Message, e);
            }
            catch (HttpException e)
            {
                throw new PacketFlowException(e.StatusCode, e.Message, e);
            }
            // The gateway sends `joined` during the join, and Colyseus holds it until the client acknowledges the
            // join, which the SDK does after completing the join task; its continuations, this one included, run
            // inline on the main thread, so the handlers are attached before `joined` can arrive. The join timeout
            // reports it should an SDK version ever deliver it sooner.
            var connection = new MatchConnection(room, settings);
            return await connection.Joined;
        }

        private static Task Completion(UnityWebRequestAsyncOperation operation)
        {
            var done = new TaskCompletionSource<bool>();
            operation.completed += _ => done.TrySetResult(true);
            return done.Task;
        }
    }
}
