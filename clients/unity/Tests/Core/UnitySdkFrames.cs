using System;
using System.Collections.Generic;
using System.Text;

namespace PacketFlow.Client.Tests
{
    /// <summary>
    /// The room frames of the Colyseus Unity SDK 0.17.2 as its source (Room.cs, Serializer/Schema/Utils/Decode.cs and
    /// Encode.cs at tag 0.17.2) reads and writes them, written down here for the wire tests: the SDK itself is not
    /// available to this repository's tests. It covers the frames a PacketFlow match exchanges and refuses the rest.
    /// </summary>
    internal static class UnitySdkFrames
    {
        public const byte JoinRoom = 10;
        public const byte Error = 11;
        public const byte LeaveRoom = 12;
        public const byte RoomDataBytes = 17;
        public const byte Ping = 18;

        /// <summary>
        /// What Room.ParseMessage makes of a server frame. It compares the whole first byte with its protocol codes,
        /// so a code with modifier bits set would match none and be dropped without a word.
        /// </summary>
        public static Frame Read(byte[] bytes)
        {
            var frame = new Frame { Code = bytes[0] };
            int offset = 1;
            switch (bytes[0])
            {
                case JoinRoom:
                    // One length byte each; the SDK advances by the string's length in characters.
                    frame.ReconnectionToken = Encoding.UTF8.GetString(bytes, offset + 1, bytes[offset]);
                    offset += frame.ReconnectionToken.Length + 1;
                    frame.SerializerId = Encoding.UTF8.GetString(bytes, offset + 1, bytes[offset]);
                    offset += frame.SerializerId.Length + 1;
                    frame.Rest = Tail(bytes, offset);
                    break;
                case Error:
                    frame.ErrorCode = (int)ReadNumber(bytes, ref offset);
                    frame.Message = ReadString(bytes, ref offset);
                    break;
                case RoomDataBytes:
                    frame.Type = ReadString(bytes, ref offset);
                    frame.Rest = Tail(bytes, offset);
                    break;
                case Ping:
                    break;
                default:
                    throw new NotSupportedException($"protocol code {bytes[0]} is not one a PacketFlow match sends");
            }
            return frame;
        }

        /// <summary>Room.SendBytes(string type, byte[] bytes).</summary>
        public static byte[] SendBytes(string type, byte[] body)
        {
            byte[] encodedType = Encoding.UTF8.GetBytes(type);
            if (encodedType.Length >= 0x20) throw new NotSupportedException("only fixstr message types are written down here");
            var frame = new List<byte> { RoomDataBytes, (byte)(0xa0 | encodedType.Length) };
            frame.AddRange(encodedType);
            frame.AddRange(body);
            return frame.ToArray();
        }

        /// <summary>What Room.ParseMessage answers a JOIN_ROOM with, Room.Ping and Room.Leave(consented: true) send.</summary>
        public static byte[] Single(byte code) => new[] { code };

        private static byte[] Tail(byte[] bytes, int offset)
        {
            var tail = new byte[bytes.Length - offset];
            Buffer.BlockCopy(bytes, offset, tail, 0, tail.Length);
            return tail;
        }

        /// <summary>Decode.DecodeNumber: msgpack's prefixes, multi-byte values little-endian.</summary>
        private static float ReadNumber(byte[] bytes, ref int offset)
        {
            byte prefix = bytes[offset++];
            if (prefix < 0x80) return prefix;
            int value;
            switch (prefix)
            {
                case 0xcc:
                    value = bytes[offset];
                    offset += 1;
                    return value;
                case 0xcd:
                    value = LittleEndian(bytes, offset, 2);
                    offset += 2;
                    return value;
                case 0xce:
                    float wide = (uint)LittleEndian(bytes, offset, 4);
                    offset += 4;
                    return wide;
                default:
                    throw new NotSupportedException($"number prefix 0x{prefix:x2} is not written down here");
            }
        }

        private static int LittleEndian(byte[] bytes, int offset, int count)
        {
            int value = 0;
            for (int i = count - 1; i >= 0; i--) value = (value << 8) | bytes[offset + i];
            return value;
        }

        /// <summary>Decode.DecodeString: fixstr, str 8 and str 16.</summary>
        private static string ReadString(byte[] bytes, ref int offset)
        {
            int prefix = bytes[offset++];
            int length;
            if (prefix < 0xc0) length = prefix & 0x1f;
            else if (prefix == 0xd9) length = bytes[offset++];
            else if (prefix == 0xda)
            {
                length = LittleEndian(bytes, offset, 2);
                offset += 2;
            }
            else throw new NotSupportedException($"string prefix 0x{prefix:x2} is not written down here");
            string text = Encoding.UTF8.GetString(bytes, offset, length);
            offset += length;
            return text;
        }

        internal sealed class Frame
        {
            public byte Code;
            public string ReconnectionToken;
            public string SerializerId;
            public int ErrorCode;
            public string Message;
            public string Type;

            /// <summary>A byte message's body, or what follows JOIN_ROOM's serializer id (the serializer's handshake).</summary>
            public byte[] Rest;
        }
    }
}
