// PROTOCOL.md §10 holds for a client written from it alone: its recorded exchange is replayed line by line against
// the whole backend as real processes, with raw HTTP and a raw WebSocket (no Colyseus SDK, no PacketFlow SDK), and
// what the section says of movement and input numbering is checked on the same wire.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Backend, startBackend } from '@packetflow/launcher';
import { createProtocolRegistry, Game } from '@packetflow/protocol';
import { RawSocket, recordedExchange, replay } from './support/recorded-exchange.js';

const registry = createProtocolRegistry();
const encoder = new TextEncoder();

/** A Colyseus byte message as §10 lays it out: code 17, the type as a short string, the body. */
function byteMessage(type: string, body: Uint8Array): Uint8Array {
  const name = encoder.encode(type);
  return Uint8Array.of(17, 0xa0 | name.byteLength, ...name, ...body);
}

/** The body of a byte message of `type`, or undefined for any other message. */
function bodyOf(bytes: Uint8Array, type: string): Uint8Array | undefined {
  const header = byteMessage(type, new Uint8Array(0));
  return Buffer.compare(bytes.subarray(0, header.byteLength), header) === 0
    ? bytes.subarray(header.byteLength)
    : undefined;
}

interface RawPlayer {
  readonly socket: RawSocket;
  readonly entity: number;
  readonly tickRate: number;
}

/** A guest in a match of its own, joined as §10 says, up to its `joined`. */
async function joinRaw(url: string): Promise<RawPlayer> {
  const guest = (await (await fetch(`${url}/auth/guest`, { method: 'POST' })).json()) as { token: string };
  const reserved = await fetch(`${url}/matchmake/create/match`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${guest.token}` },
    body: '{}',
  });
  assert.equal(reserved.status, 200);
  const seat = (await reserved.json()) as { sessionId: string; roomId: string; processId: string };
  const query = `sessionId=${seat.sessionId}&_authToken=${guest.token}`;
  const socket = new RawSocket(`${url.replace(/^http/, 'ws')}/${seat.processId}/${seat.roomId}?${query}`);
  for (;;) {
    const event = await socket.next('JOIN_ROOM and joined');
    assert.equal(event.kind, 'message', `closed while joining: ${JSON.stringify(event)}`);
    const { bytes } = event as { bytes: Uint8Array };
    if (bytes[0] === 10) await socket.send(Uint8Array.of(10));
    const joined = bodyOf(bytes, 'joined');
    if (joined === undefined) continue;
    const decoded = registry.decode('JoinAccepted', joined);
    assert.ok(decoded.ok);
    const body = decoded.value.body as Game.JoinAcceptedT;
    return { socket, entity: body.entity, tickRate: body.tickRate };
  }
}

interface Seen {
  readonly tick: number;
  readonly ack: number;
  readonly position: Game.Vec3T | null | undefined;
}

/** Reads snapshots until the player's ack reaches `sequence`; what each said of the player. */
async function snapshotsUntilAck(player: RawPlayer, sequence: number): Promise<Seen[]> {
  const seen: Seen[] = [];
  while (seen.at(-1)?.ack !== sequence) {
    const event = await player.socket.next(`the ack of input ${sequence}`);
    assert.equal(event.kind, 'message', `closed while playing: ${JSON.stringify(event)}`);
    const body = bodyOf((event as { bytes: Uint8Array }).bytes, 'snap');
    if (body === undefined) continue;
    const decoded = registry.decode('Snapshot', body);
    assert.ok(decoded.ok);
    const snapshot = decoded.value.body as Game.SnapshotT;
    const ack = snapshot.acks.find((each) => each.entity === player.entity)?.sequence ?? 0;
    const position = snapshot.entities.find((each) => each.entity === player.entity)?.position;
    seen.push({ tick: snapshot.serverTick, ack, position });
  }
  return seen;
}

function input(sequence: number, x: number, y: number): Uint8Array {
  const body = new Game.ClientInputT(sequence, 0, new Game.Vec2T(x, y), null, 0);
  return byteMessage('in', registry.encode({ type: 'ClientInput', body }));
}

describe('PROTOCOL.md §10 against a real gateway, without an SDK', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'e2e-protocol-'));
  let backend: Backend;

  before(async () => {
    backend = await startBackend({ gatewayPort: 0, dataDir });
  });

  after(async () => {
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the recorded exchange line by line', async () => {
    const exchange = recordedExchange();
    assert.ok(exchange.length >= 20, `the exchange has ${exchange.length} lines`);
    const issuedAt = Date.now();
    const bindings = await replay(backend.url, exchange);
    // §10: expiresAt is in milliseconds since the epoch, 24 hours after issue by default.
    const expiresAt = bindings.get('expiresAt') as number;
    const day = 24 * 3600 * 1000;
    assert.ok(expiresAt >= issuedAt + day - 60_000 && expiresAt <= Date.now() + day, `expiresAt ${expiresAt}`);
    assert.match(String(bindings.get('player')), /^guest-[0-9a-f-]{36}$/);
  });

  it('applies one input per tick, move.x along +x and move.y along +z at 5 m/s', async () => {
    const player = await joinRaw(backend.url);
    try {
      // A burst of ten inputs at once: queued by the match and applied one per tick, in order.
      for (let sequence = 1; sequence <= 10; sequence++) await player.socket.send(input(sequence, 0, 1));
      const forward = await snapshotsUntilAck(player, 10);
      for (let i = 1; i < forward.length; i++) {
        const [before, now] = [forward[i - 1]!, forward[i]!];
        assert.ok(now.ack - before.ack <= now.tick - before.tick, `acks ${before.ack} → ${now.ack} in one tick`);
      }
      const moved = forward.filter((each) => each.ack >= 2 && each.position);
      const [from, to] = [moved[0]!, moved.at(-1)!];
      const seconds = (to.tick - from.tick) / player.tickRate;
      const dz = to.position!.z - from.position!.z;
      const dx = to.position!.x - from.position!.x;
      assert.ok(seconds > 0, 'the inputs were applied over several ticks');
      assert.ok(Math.abs(dz / seconds - 5) < 0.5, `move.y = 1 went ${dz} m along z in ${seconds} s`);
      assert.ok(Math.abs(dx) < 0.05, `move.y = 1 went ${dx} m along x`);

      for (let sequence = 11; sequence <= 20; sequence++) await player.socket.send(input(sequence, 1, 0));
      const sideways = await snapshotsUntilAck(player, 20);
      const steps = sideways.filter((each) => each.ack >= 12 && each.position);
      const [start, end] = [steps[0]!, steps.at(-1)!];
      const sideSeconds = (end.tick - start.tick) / player.tickRate;
      const sideX = end.position!.x - start.position!.x;
      assert.ok(Math.abs(sideX / sideSeconds - 5) < 0.5, `move.x = 1 went ${sideX} m along x in ${sideSeconds} s`);
    } finally {
      player.socket.close();
    }
  });
});
