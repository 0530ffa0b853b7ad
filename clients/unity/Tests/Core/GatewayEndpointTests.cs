using System;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class GatewayEndpointTests
    {
        [TestCase("http://127.0.0.1:2567", "http://127.0.0.1:2567", "ws://127.0.0.1:2567")]
        [TestCase("ws://127.0.0.1:2567/", "http://127.0.0.1:2567", "ws://127.0.0.1:2567")]
        [TestCase("https://games.example/eu/", "https://games.example/eu", "wss://games.example/eu")]
        [TestCase("wss://games.example:8443/eu//", "https://games.example:8443/eu", "wss://games.example:8443/eu")]
        public void GivesBothFormsOfOneAddress(string endpoint, string http, string ws)
        {
            GatewayEndpoint parsed = GatewayEndpoint.Parse(endpoint);
            Assert.AreEqual(http, parsed.Http);
            Assert.AreEqual(ws, parsed.Ws);
        }

        [TestCase("localhost:2567")]
        [TestCase("ftp://example.com")]
        [TestCase("http://example.com/?room=1")]
        [TestCase("http://example.com/#top")]
        [TestCase("")]
        public void RefusesWhatIsNoGatewayBaseAddress(string endpoint)
        {
            Assert.Throws<ArgumentException>(() => GatewayEndpoint.Parse(endpoint));
        }
    }
}
