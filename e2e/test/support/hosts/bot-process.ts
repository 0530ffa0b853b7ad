// The bots' host: players on the SDK, in matches of PF_PLAYERS each, sending numbered inputs at 20 a second and
// printing one JSON line per event (every snapshot with its tick, the raw ack of the bot's own input, the host the
// match runs on) so the test computes its figures from what players saw. Commands come as JSON lines on stdin.
import { createInterface } from 'node:readline';
import { type MatchConnection, PacketFlowClient } from '@packetflow/client';
import type { BotCommand, BotEvent } from './bot-events.js';

const url = process.env.PF_BOT_URL!;
const matches = Number(process.env.PF_MATCHES);
const players = Number(process.env.PF_PLAYERS);
const INPUT_INTERVAL_MS = 50;

const clock = (): number => performance.timeOrigin + performance.now();
const emit = (event: BotEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const settings = {
  interpolate: false,
  reconnection: { minUptimeMs: 0, minDelayMs: 50, initialDelayMs: 50, maxDelayMs: 500, maxRetries: 4 },
  rejoin: { initialDelayMs: 100, maxDelayMs: 1000, maxAttempts: 30 },
};

const bots = new Map<number, { match: MatchConnection; timer: NodeJS.Timeout }>();

async function joinBot(bot: number, matchId?: string): Promise<MatchConnection> {
  const client = new PacketFlowClient(url);
  const { playerId } = await client.guest();
  const match = matchId === undefined ? await client.create(settings) : await client.join(matchId, settings);
  emit({
    e: 'joined',
    bot,
    at: clock(),
    match: match.matchId,
    player: playerId,
    entity: match.entity,
    host: match.host,
  });
  match.onSnapshot((snapshot) => {
    const ack = snapshot.acks.find((a) => a.entity === match.entity)?.sequence;
    const resumed = snapshot.resumedFromTick === undefined ? {} : { resumed: snapshot.resumedFromTick };
    emit({
      e: 'snap',
      bot,
      at: clock(),
      tick: snapshot.serverTick,
      ack: ack ?? -1,
      host: match.host ?? '',
      ...resumed,
    });
  });
  match.onHost((host) => emit({ e: 'host', bot, at: clock(), host }));
  match.onDrop((code) => emit({ e: 'drop', bot, at: clock(), code }));
  match.onReconnect(() => emit({ e: 'reconnect', bot, at: clock() }));
  match.onReseat((info) => emit({ e: 'reseat', bot, at: clock(), entity: info.entity }));
  match.onError((code, message) => emit({ e: 'error', bot, at: clock(), code, message }));
  match.onLeave((code) => {
    clearInterval(bots.get(bot)?.timer);
    emit({ e: 'leave', bot, at: clock(), code });
  });
  // A slow turn, so a body keeps moving and an input undone shows in its position as well as in its ack.
  const timer = setInterval(() => {
    const angle = clock() / 2000 + bot;
    match.sendInput({ move: { x: Math.cos(angle), y: Math.sin(angle) } });
  }, INPUT_INTERVAL_MS);
  bots.set(bot, { match, timer });
  return match;
}

async function tryJoin(id: number): Promise<void> {
  const started = clock();
  try {
    const client = new PacketFlowClient(url);
    await client.guest();
    const match = await client.create({ ...settings, joinTimeoutMs: 30_000 });
    emit({ e: 'join-result', id, at: clock(), ok: true, ms: clock() - started, message: match.matchId });
    await match.leave();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    emit({ e: 'join-result', id, at: clock(), ok: false, ms: clock() - started, message });
  }
}

async function command(line: string): Promise<void> {
  const cmd = JSON.parse(line) as BotCommand;
  if (cmd.cmd === 'join') await tryJoin(cmd.id);
  else if (cmd.cmd === 'leave') {
    const bot = bots.get(cmd.bot)!;
    clearInterval(bot.timer);
    await bot.match.leave();
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  command(line).catch((error: unknown) => emit({ e: 'error', bot: -1, at: clock(), code: 0, message: String(error) }));
});

for (let m = 0; m < matches; m++) {
  const first = await joinBot(m * players);
  for (let p = 1; p < players; p++) await joinBot(m * players + p, first.matchId);
}
emit({ e: 'ready', at: clock() });
