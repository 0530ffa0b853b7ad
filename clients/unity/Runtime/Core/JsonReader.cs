using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace PacketFlow.Client
{
    /// <summary>
    /// Reads a JSON document into dictionaries, lists, strings, doubles, booleans and nulls. The client reads only a
    /// few small HTTP answers; a reader of its own keeps the core free of Unity's JsonUtility (which cannot tell a
    /// missing field from a zero) and of serializers that IL2CPP's code stripping can break.
    /// </summary>
    public static class JsonReader
    {
        private const int MaxDepth = 32;

        /// <summary>Parses a document whose root is an object; throws a FormatException for anything else.</summary>
        public static Dictionary<string, object> ParseObject(string json)
        {
            if (json == null) throw new FormatException("no JSON: null");
            int at = 0;
            SkipSpace(json, ref at);
            if (at >= json.Length || json[at] != '{') throw Error(json, at, "expected an object");
            var value = (Dictionary<string, object>)ReadValue(json, ref at, 0);
            SkipSpace(json, ref at);
            if (at != json.Length) throw Error(json, at, "unexpected text after the document");
            return value;
        }

        private static object ReadValue(string json, ref int at, int depth)
        {
            if (depth > MaxDepth) throw Error(json, at, $"nested deeper than {MaxDepth}");
            SkipSpace(json, ref at);
            if (at >= json.Length) throw Error(json, at, "unexpected end");
            char c = json[at];
            switch (c)
            {
                case '{':
                    return ReadObject(json, ref at, depth);
                case '[':
                    return ReadArray(json, ref at, depth);
                case '"':
                    return ReadString(json, ref at);
                case 't':
                    return ReadLiteral(json, ref at, "true", true);
                case 'f':
                    return ReadLiteral(json, ref at, "false", false);
                case 'n':
                    return ReadLiteral(json, ref at, "null", null);
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber(json, ref at);
                    throw Error(json, at, $"unexpected '{c}'");
            }
        }

        private static Dictionary<string, object> ReadObject(string json, ref int at, int depth)
        {
            var result = new Dictionary<string, object>();
            at++;
            SkipSpace(json, ref at);
            if (at < json.Length && json[at] == '}')
            {
                at++;
                return result;
            }
            while (true)
            {
                SkipSpace(json, ref at);
                if (at >= json.Length || json[at] != '"') throw Error(json, at, "expected a member name");
                string name = ReadString(json, ref at);
                SkipSpace(json, ref at);
                Expect(json, ref at, ':');
                result[name] = ReadValue(json, ref at, depth + 1);
                SkipSpace(json, ref at);
                if (at < json.Length && json[at] == ',')
                {
                    at++;
                    continue;
                }
                Expect(json, ref at, '}');
                return result;
            }
        }

        private static List<object> ReadArray(string json, ref int at, int depth)
        {
            var result = new List<object>();
            at++;
            SkipSpace(json, ref at);
            if (at < json.Length && json[at] == ']')
            {
                at++;
                return result;
            }
            while (true)
            {
                result.Add(ReadValue(json, ref at, depth + 1));
                SkipSpace(json, ref at);
                if (at < json.Length && json[at] == ',')
                {
                    at++;
                    continue;
                }
                Expect(json, ref at, ']');
                return result;
            }
        }

        private static string ReadString(string json, ref int at)
        {
            var text = new StringBuilder();
            at++;
            while (at < json.Length)
            {
                char c = json[at++];
                if (c == '"') return text.ToString();
                if (c < ' ') throw Error(json, at - 1, "control character in a string");
                if (c != '\\')
                {
                    text.Append(c);
                    continue;
                }
                if (at >= json.Length) break;
                char escape = json[at++];
                switch (escape)
                {
                    case '"':
                    case '\\':
                    case '/':
                        text.Append(escape);
                        break;
                    case 'b':
                        text.Append('\b');
                        break;
                    case 'f':
                        text.Append('\f');
                        break;
                    case 'n':
                        text.Append('\n');
                        break;
                    case 'r':
                        text.Append('\r');
                        break;
                    case 't':
                        text.Append('\t');
                        break;
                    case 'u':
                        if (at + 4 > json.Length ||
                            !ushort.TryParse(json.Substring(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                            throw Error(json, at, "bad \\u escape");
                        text.Append((char)code);
                        at += 4;
                        break;
                    default:
                        throw Error(json, at - 1, $"bad escape \\{escape}");
                }
            }
            throw Error(json, at, "unterminated string");
        }

        private static double ReadNumber(string json, ref int at)
        {
            int start = at;
            if (json[at] == '-') at++;
            while (at < json.Length && "0123456789.eE+-".IndexOf(json[at]) >= 0) at++;
            string text = json.Substring(start, at - start);
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ||
                double.IsInfinity(value))
                throw Error(json, start, $"bad number {text}");
            return value;
        }

        private static object ReadLiteral(string json, ref int at, string literal, object value)
        {
            if (string.CompareOrdinal(json, at, literal, 0, literal.Length) != 0) throw Error(json, at, $"expected {literal}");
            at += literal.Length;
            return value;
        }

        private static void Expect(string json, ref int at, char expected)
        {
            if (at >= json.Length || json[at] != expected) throw Error(json, at, $"expected '{expected}'");
            at++;
        }

        private static void SkipSpace(string json, ref int at)
        {
            while (at < json.Length && (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r')) at++;
        }

        private static FormatException Error(string json, int at, string why) =>
            new FormatException($"unreadable JSON at character {at} of {json.Length}: {why}");
    }
}
