// Compile-time stand-in for the parts of the Colyseus Unity SDK (0.17/0.18, namespace Colyseus) the package calls,
// with the SDK's signatures and no behaviour; see FlatBuffers.cs beside it for why.
using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Colyseus.Schema
{
    public class Schema
    {
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

    public class ReconnectionOptions
    {
        public bool Enabled = true;
        public int MaxRetries = 15;
        public int MinDelay = 100;
        public int MaxDelay = 5000;
        public int MinUptime = 5000;
        public int Delay = 100;
    }

    public class Connection
    {
        public bool IsOpen => throw null;
    }

    public class Room<T> where T : Schema.Schema
    {
        public Connection Connection;
        public ReconnectionOptions Reconnection = new ReconnectionOptions();
        public event CloseWithCodeEventHandler OnLeave;
        public event CloseWithCodeEventHandler OnDrop;
        public event NoArgsEventHandler OnReconnect;
        public event ErrorEventHandler OnError;
        public Task Leave(bool consented = true) => throw null;
        public Task SendBytes(string type, byte[] bytes) => throw null;
        public void Ping(Action<int> callback) => throw null;
        public Action OnMessage<MessageType>(string type, Action<MessageType> handler) => throw null;
    }

    public class Auth
    {
        public string Token { get => throw null; set => throw null; }
    }

    public class Client
    {
        public Auth Auth;
        public Client(string endpoint) => throw null;
        public Task<Room<NoState>> JoinOrCreate(string roomName, Dictionary<string, object> options = null, Dictionary<string, string> headers = null) => throw null;
        public Task<Room<NoState>> Create(string roomName, Dictionary<string, object> options = null, Dictionary<string, string> headers = null) => throw null;
        public Task<Room<NoState>> JoinById(string roomId, Dictionary<string, object> options = null, Dictionary<string, string> headers = null) => throw null;
    }

    public class MatchMakeException : Exception
    {
        public int Code;
    }

    public class HttpException : Exception
    {
        public int StatusCode;
    }
}
