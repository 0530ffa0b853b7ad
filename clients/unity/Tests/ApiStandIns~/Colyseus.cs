// Compile-time stand-in for the Colyseus Unity SDK 0.17.2 (io.colyseus.sdk, the newest release; there is no 0.18
// Unity SDK), tag 0.17.2 of github.com/colyseus/colyseus-unity-sdk, files under Assets/Colyseus/Runtime/Colyseus/:
// Room.cs (delegates, IRoom, ReconnectionOptions, Room<T>), Client.cs, Connection.cs, Auth.cs,
// Serializer/NoneSerializer.cs (NoState), Serializer/Schema/Schema.cs (Schema) and Utils/Exceptions.cs.
// Every member the package uses is declared as the SDK declares it: namespace, class or struct, field or property,
// return type, async signature, generic parameters and constraints, events and their delegates; bodies throw.
// Members the package does not use are left out, and so are base types it never touches (Connection derives from
// NativeWebSocket.WebSocket, Schema implements Colyseus.Schema.IRef). See FlatBuffers.cs beside it for why.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Colyseus.Schema
{
    public class Schema
    {
        public Schema() => throw null;
    }
}

namespace Colyseus
{
    public delegate void NoArgsEventHandler();

    public delegate void CloseWithCodeEventHandler(int code);

    public delegate void ErrorEventHandler(int code, string message);

    public class NoState : Schema.Schema
    {
    }

    public interface IRoom
    {
        event CloseWithCodeEventHandler OnLeave;

        Task Connect();

        Task Leave(bool consented);
    }

    [Serializable]
    public class ReconnectionOptions
    {
        public int MaxRetries = 15;
        public int MinDelay = 100;
        public int MaxDelay = 5000;
        public int MinUptime = 5000;
        public int RetryCount = 0;
        public int Delay = 100;
        public bool IsReconnecting = false;
        public int MaxEnqueuedMessages = 10;
        public List<byte[]> EnqueuedMessages = new List<byte[]>();
        public Func<int, int, int> Backoff = ExponentialBackoff;

        public static int ExponentialBackoff(int attempt, int delay) => throw null;
    }

    public class Connection
    {
        public bool IsOpen;

        public Connection(string url, Dictionary<string, string> headers) => throw null;
    }

    public class Room<T> : IRoom where T : Schema.Schema
    {
        public Connection Connection;
        public ReconnectionOptions Reconnection = new ReconnectionOptions();

        public Room(string name) => throw null;

        public event CloseWithCodeEventHandler OnLeave;
        public event CloseWithCodeEventHandler OnDrop;
        public event NoArgsEventHandler OnReconnect;
        public event ErrorEventHandler OnError;

        public async Task Connect() => throw null;

        public async Task Leave(bool consented = true) => throw null;

        public async Task SendBytes(string type, byte[] bytes) => throw null;

        public async void Ping(Action<int> callback) => throw null;

        public void OnMessage<MessageType>(string type, Action<MessageType> handler) => throw null;
    }

    public class Auth
    {
        public Auth(Client client) => throw null;

        public string Token { get => throw null; set => throw null; }
    }

    public class Client
    {
        public Auth Auth;

        public Client(string endpoint) => throw null;

        public async Task<Room<NoState>> JoinOrCreate(string roomName, Dictionary<string, object> options = null, Dictionary<string, string> headers = null) => throw null;

        public async Task<Room<NoState>> Create(string roomName, Dictionary<string, object> options = null, Dictionary<string, string> headers = null) => throw null;

        public async Task<Room<NoState>> JoinById(string roomId, Dictionary<string, object> options = null, Dictionary<string, string> headers = null) => throw null;
    }

    public class MatchMakeException : Exception
    {
        public int Code;

        public MatchMakeException(int code, string message) : base(message) => throw null;
    }

    public class HttpException : Exception
    {
        public int StatusCode;

        public HttpException(int statusCode, string message) : base(message) => throw null;
    }
}
