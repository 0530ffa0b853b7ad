using System;
using NUnit.Framework;

namespace PacketFlow.Client.Tests
{
    [TestFixture]
    public class ReconnectionSettingsTests
    {
        // The defaults of the Colyseus Unity SDK 0.17.2's ReconnectionOptions: MaxRetries, Delay, MinDelay, MaxDelay, MinUptime.
        private static readonly ReconnectionValues SdkDefaults = new ReconnectionValues(15, 100, 100, 5000, 5000);

        private static void AssertValues(ReconnectionValues actual, int maxRetries, int delay, int minDelay, int maxDelay, int minUptime)
        {
            Assert.AreEqual(maxRetries, actual.MaxRetries, "MaxRetries");
            Assert.AreEqual(delay, actual.Delay, "Delay");
            Assert.AreEqual(minDelay, actual.MinDelay, "MinDelay");
            Assert.AreEqual(maxDelay, actual.MaxDelay, "MaxDelay");
            Assert.AreEqual(minUptime, actual.MinUptime, "MinUptime");
        }

        [Test]
        public void UnsetFieldsKeepTheSdksValues()
        {
            AssertValues(new ReconnectionSettings().ApplyTo(SdkDefaults), 15, 100, 100, 5000, 5000);
            AssertValues(new ReconnectionSettings { Enabled = true }.ApplyTo(SdkDefaults), 15, 100, 100, 5000, 5000);
        }

        [Test]
        public void EachSettingGoesToItsSdkField()
        {
            var settings = new ReconnectionSettings
            {
                MaxRetries = 3, InitialDelayMs = 250, MinDelayMs = 50, MaxDelayMs = 2000, MinUptimeMs = 0,
            };
            AssertValues(settings.ApplyTo(SdkDefaults), 3, 250, 50, 2000, 0);
        }

        [Test]
        public void DisabledMeansNoAttemptsAndKeepsTheRest()
        {
            var settings = new ReconnectionSettings { Enabled = false, MaxDelayMs = 1000 };
            AssertValues(settings.ApplyTo(SdkDefaults), 0, 100, 100, 1000, 5000);
            AssertValues(new ReconnectionSettings { Enabled = false, MaxRetries = 0 }.ApplyTo(SdkDefaults), 0, 100, 100, 5000, 5000);
        }

        [Test]
        public void EnabledContradictingMaxRetriesIsRefused()
        {
            Assert.Throws<ArgumentException>(() => new ReconnectionSettings { Enabled = false, MaxRetries = 2 }.Validate());
            Assert.Throws<ArgumentException>(() => new ReconnectionSettings { Enabled = true, MaxRetries = 0 }.Validate());
            Assert.Throws<ArgumentException>(() => new ReconnectionSettings { Enabled = true, MaxRetries = 0 }.ApplyTo(SdkDefaults));
            Assert.DoesNotThrow(() => new ReconnectionSettings { Enabled = true, MaxRetries = 2 }.Validate());
            Assert.DoesNotThrow(() => new ReconnectionSettings { MaxRetries = 0 }.Validate(), "MaxRetries 0 alone turns reconnection off");
        }

        [TestCase("MaxRetries")]
        [TestCase("InitialDelayMs")]
        [TestCase("MinDelayMs")]
        [TestCase("MaxDelayMs")]
        [TestCase("MinUptimeMs")]
        public void ANegativeNumberIsRefusedByName(string name)
        {
            var settings = new ReconnectionSettings();
            typeof(ReconnectionSettings).GetProperty(name).SetValue(settings, -1);
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => settings.ApplyTo(SdkDefaults));
            Assert.AreEqual(name, error.ParamName);
        }
    }
}
