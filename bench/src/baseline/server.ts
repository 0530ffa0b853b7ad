// The baseline server: Colyseus 0.18 on its default `ws` transport with the `baseline` room. Run as its own
// process (`node server.js <port> [physics|kinematic]`) so its CPU and memory are measured apart from the bots; it prints one
// `baseline: listening on <host>:<port>` line when ready and answers `stats` and `gc` requests over IPC.
import type { AddressInfo } from 'node:net';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { initPhysics } from '@packetflow/physics';
import { roomStats } from './input-inbox.js';
import { BASELINE_ROOM } from './names.js';
import { PhysicsBaselineRoom } from './physics-room.js';
import { BaselineRoom } from './room.js';

/** `physics`: every room steps a Rapier world, the same work as a PacketFlow match; `kinematic`: a few lines of rules. */
export type BaselineKind = 'physics' | 'kinematic';

export const BASELINE_HOST = '127.0.0.1';

export interface BaselineServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export async function startBaselineServer(port: number, kind: BaselineKind = 'physics'): Promise<BaselineServer> {
  if (kind === 'physics') await initPhysics();
  const transport = new WebSocketTransport();
  const server = defineServer({
    transport,
    gracefullyShutdown: false,
    greet: false,
    rooms: { [BASELINE_ROOM]: defineRoom(kind === 'physics' ? PhysicsBaselineRoom : BaselineRoom) },
  });
  await server.listen(port, BASELINE_HOST);
  const address = transport.server?.address() as AddressInfo | null;
  if (!address) throw new Error(`baseline: could not listen on port ${port}`);
  return { server, port: address.port, close: () => server.gracefullyShutdown(false) };
}

/** A request from the bench to the server process, answered with the same `id`. */
export type ServerRequest = { id: number; type: 'stats' } | { id: number; type: 'gc' };
export type ServerStats = typeof roomStats;
export type ServerReply = { id: number; stats: ServerStats };

function answer(request: ServerRequest): void {
  if (request.type === 'gc') globalThis.gc?.();
  const reply: ServerReply = { id: request.id, stats: { ...roomStats } };
  process.send?.(reply);
}

if (process.argv[1] === import.meta.filename) {
  const started = await startBaselineServer(
    Number(process.argv[2] ?? 0),
    (process.argv[3] ?? 'physics') as BaselineKind,
  );
  process.on('message', (request: ServerRequest) => answer(request));
  // Exiting rather than dying of the signal lets --cpu-prof write its profile.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write(`baseline: listening on ${BASELINE_HOST}:${started.port}\n`);
}
