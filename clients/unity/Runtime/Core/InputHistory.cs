using System;
using System.Collections.Generic;

namespace PacketFlow.Client
{
    /// <summary>
    /// Numbers inputs 1, 2, 3, … and keeps every one until an acknowledgement covers it: what client-side prediction
    /// replays on top of the last snapshot, and what is sent again after a reconnection. An ack of sequence n covers
    /// every input up to and including n, because the server applies a player's inputs in sequence order.
    /// </summary>
    public sealed class InputHistory
    {
        /// <summary>Pending inputs kept unless configured: also the gateway's largest accepted sequence gap.</summary>
        public const int DefaultMaxPending = ClientContract.MaxSequenceGap;

        private readonly int maxPending;
        private readonly List<PendingInput> entries = new List<PendingInput>();

        /// <param name="maxPending">
        /// How many unacknowledged inputs to keep; past it the oldest are forgotten, so a server that stops
        /// acknowledging cannot grow the client without bound.
        /// </param>
        public InputHistory(int maxPending = DefaultMaxPending)
        {
            if (maxPending <= 0) throw new ArgumentOutOfRangeException(nameof(maxPending), "must be positive");
            this.maxPending = maxPending;
        }

        /// <summary>The sequence number the next input gets.</summary>
        public uint Next { get; private set; } = 1;

        /// <summary>The highest sequence number acknowledged so far; 0 before the first ack.</summary>
        public uint Acked { get; private set; }

        /// <summary>Unacknowledged inputs, oldest first. A live view.</summary>
        public IReadOnlyList<PendingInput> Pending => entries;

        /// <summary>Records an input under the next sequence number and returns that number.</summary>
        public uint Record(InputSample input, double sentAtMs)
        {
            uint sequence = Next++;
            entries.Add(new PendingInput(sequence, input, sentAtMs));
            if (entries.Count > maxPending) entries.RemoveAt(0);
            return sequence;
        }

        /// <summary>Drops every pending input up to <paramref name="sequence"/>; an ack older than the newest one seen changes nothing.</summary>
        public AckResult Acknowledge(uint sequence, double receivedAtMs)
        {
            if (sequence <= Acked) return new AckResult(0, null);
            Acked = sequence;
            int covered = 0;
            while (covered < entries.Count && entries[covered].Sequence <= sequence) covered++;
            double? rtt = null;
            if (covered > 0 && entries[covered - 1].Sequence == sequence) rtt = receivedAtMs - entries[covered - 1].SentAtMs;
            entries.RemoveRange(0, covered);
            return new AckResult(covered, rtt);
        }

        /// <summary>
        /// Marks the newest <paramref name="limit"/> pending inputs as sent again at <paramref name="sentAtMs"/> and
        /// returns them, oldest first. Older ones stay pending until an ack covers them: the gateway counts resends
        /// against the input rate, and the match would replay old inputs tick by tick as stale movement. The round
        /// trip of a resent input counts from the resend, not from before the connection dropped.
        /// </summary>
        public IReadOnlyList<PendingInput> ResendNewest(int limit, double sentAtMs)
        {
            int from = Math.Max(0, entries.Count - Math.Max(0, limit));
            var resent = new List<PendingInput>(entries.Count - from);
            for (int i = from; i < entries.Count; i++)
            {
                entries[i] = new PendingInput(entries[i].Sequence, entries[i].Input, sentAtMs);
                resent.Add(entries[i]);
            }
            return resent;
        }
    }
}
