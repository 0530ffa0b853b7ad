using UnityEngine;

namespace PacketFlow.Client
{
    /// <summary>
    /// The one clock snapshots are stamped with and rendering samples at: real time since startup, which neither
    /// Time.timeScale nor a paused game stops, so the interpolation timeline keeps pace with the network.
    /// </summary>
    public static class UnityClock
    {
        public static double NowMs => Time.realtimeSinceStartupAsDouble * 1000;
    }
}
