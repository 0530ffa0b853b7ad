using System;

namespace PacketFlow.Client
{
    /// <summary>
    /// A refused request or join, or a message from the gateway that could not be read. <see cref="Code"/> is the
    /// Colyseus or gateway code (525 for a bad token, the HTTP status for a refused guest token) or an <see cref="SdkErrorCode"/>.
    /// </summary>
    public sealed class PacketFlowException : Exception
    {
        public PacketFlowException(int code, string message, Exception inner = null) : base(message, inner)
        {
            Code = code;
        }

        public int Code { get; }
    }
}
