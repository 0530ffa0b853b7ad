// What a raw bot has been told, read the way the failover tests need it.
import assert from 'node:assert/strict';
import type { Game } from '@packetflow/protocol';
import type { RawBot } from './raw-bot.js';

/** The node the gateway last told the bot its match runs on. */
export function hostOf(bot: RawBot): string | undefined {
  return bot.arrivals.findLast((arrival) => arrival.startsWith('host '))?.slice('host '.length);
}

/** Where the bot's body was last seen: a snapshot lists only what moved, so the last one that lists it. */
export function lastX(bot: RawBot, snapshots: readonly Game.SnapshotT[] = bot.snapshots): number {
  const seen = snapshots.findLast((snapshot) => bot.position(snapshot) !== undefined);
  assert.ok(seen !== undefined, 'the body is in some snapshot');
  return bot.position(seen)!.x;
}
