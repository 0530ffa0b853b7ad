// The chaos run's bots: the scenarios' match session (playMatch) with an observer that posts every snapshot's
// arrival, acks that go backwards and each session's end to the chaos run (src/chaos/main.ts) on a
// BroadcastChannel. For this package's runner only: k6 has no BroadcastChannel.
import type { Options } from 'k6/options';
import { BOT_CHANNEL, type BotMessage, IN_FLIGHT_MS } from '../chaos/bot-messages.js';
import { countFromEnv, durationFromEnv, playMatch, type SessionObserver, sessionSettings } from './packetflow.js';

declare class BroadcastChannel {
  constructor(name: string);
  postMessage(message: unknown): void;
}

/** Arrivals are posted in batches this old at most: one message per snapshot would cost more than the bot. */
const FLUSH_MS = 500;

export const options: Options = {
  scenarios: {
    bots: {
      executor: 'constant-vus',
      vus: countFromEnv('VUS', 40),
      duration: durationFromEnv('DURATION', '2m'),
      // The run ends when the chaos run says: a session cut short then is not a disconnect anyone should count.
      gracefulStop: '0s',
    },
  },
};

const settings = sessionSettings();

// One channel per thread, shared by its VUs (this module is evaluated once per VU): every channel of a name gets
// every message posted on the others.
const holder = globalThis as { chaosBotChannel?: BroadcastChannel };
holder.chaosBotChannel ??= new BroadcastChannel(BOT_CHANNEL);
const channel = holder.chaosBotChannel;
const post = (message: BotMessage) => channel.postMessage(message);

let sessions = 0;

function observer(): SessionObserver {
  const key = { vu: __VU, session: ++sessions };
  const sentAt: number[] = [0];
  let arrivals: number[] = [];
  let score: number | undefined;
  /** The highest ack seen, which covers every input up to it, and the latest one. */
  let acked = 0;
  let lastAck = 0;
  let flushedAt = Date.now();
  // Sequence numbers go up by one from 1, and an ack covers every input up to it.
  const inputs = (now: number) => {
    let old = sentAt.length - 1;
    while (old > 0 && sentAt[old]! > now - IN_FLIGHT_MS) old--;
    return { inputsSent: sentAt.length - 1, inputsLost: Math.max(0, old - acked) };
  };
  const flush = (now: number) => {
    if (arrivals.length > 0) post({ kind: 'snapshots', ...key, at: arrivals, score, ...inputs(now) });
    arrivals = [];
    flushedAt = now;
  };
  return {
    joined(info) {
      post({ kind: 'joined', ...key, at: Date.now(), playerId: info.playerId, tickRate: info.tickRate });
    },
    snapshot(reading) {
      const now = Date.now();
      arrivals.push(now);
      score = reading.ownScore ?? score;
      const ack = reading.ownAck;
      if (ack !== undefined) {
        if (ack < lastAck) post({ kind: 'ack-rollback', ...key, at: now, inputs: lastAck - ack });
        lastAck = ack;
        acked = Math.max(acked, ack);
      }
      if (now - flushedAt >= FLUSH_MS) flush(now);
    },
    inputSent(sequence) {
      sentAt[sequence] = Date.now();
    },
    closed(code, consented) {
      const now = Date.now();
      flush(now);
      post({ kind: 'closed', ...key, at: now, code, consented, ...inputs(now) });
    },
  };
}

export default function (): Promise<void> {
  return playMatch(settings, observer());
}
