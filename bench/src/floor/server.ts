// The bare uWebSockets.js floor: what serving a game's traffic costs with no game, no framework and no protocol.
// Clients are put in rooms of 8, each room a 30 Hz timer at its own phase (as matches tick), and every tick each
// client gets one 300-byte binary message carrying its last input sequence; inputs are read and otherwise ignored.
// Run as its own process (`node server.js [port]`) so its CPU is measured apart from the bots; it prints one
// `floor: listening on <host>:<port>` line when ready and answers `stats` requests over IPC.
import uWS from 'uWebSockets.js';
import { inputSequence, ROOM_SIZE, STATE_BYTES, stampAck, TICK_RATE } from './wire.js';

export const FLOOR_HOST = '127.0.0.1';

interface Client {
  ackedSeq: number;
  room: Room | undefined;
}

class Room {
  readonly members = new Set<uWS.WebSocket<Client>>();
  private readonly state = new ArrayBuffer(STATE_BYTES);
  private timer: NodeJS.Timeout | undefined;

  constructor() {
    // Content the kernel cannot shortcut, like a real snapshot's.
    const bytes = new Uint8Array(this.state);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131) & 0xff;
    const periodMs = 1000 / TICK_RATE;
    this.timer = setTimeout(() => {
      this.timer = setInterval(() => this.tick(), periodMs);
    }, Math.random() * periodMs);
  }

  private tick(): void {
    for (const ws of this.members) {
      stampAck(this.state, ws.getUserData().ackedSeq);
      ws.send(this.state, true);
    }
  }

  stop(): void {
    // Node's clearTimeout clears an interval as well: the timer is first the phase delay, then the interval.
    clearTimeout(this.timer);
  }
}

export interface FloorStats {
  clients: number;
  rooms: number;
  /** Messages refused because they were not 12-byte inputs. */
  rejected: number;
}

export interface FloorServer {
  readonly port: number;
  stats(): FloorStats;
  close(): void;
}

/** A request from the bench to the server process over IPC, answered with the same `id`. */
export type FloorRequest = { id: number; type: 'stats' };
export type FloorReply = { id: number; stats: FloorStats };

export async function startFloorServer(port: number): Promise<FloorServer> {
  if (uWS.nativeBuild.fallback) throw new Error(`the floor measures native uWebSockets.js only, not ${uWS.backend}`);
  const rooms = new Set<Room>();
  let filling: Room | undefined;
  let rejected = 0;
  const app = uWS.App();
  app.ws<Client>('/*', {
    idleTimeout: 0,
    upgrade: (res, req, context) => {
      res.upgrade<Client>(
        { ackedSeq: 0, room: undefined },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws) => {
      if (!filling || filling.members.size >= ROOM_SIZE) {
        filling = new Room();
        rooms.add(filling);
      }
      filling.members.add(ws);
      ws.getUserData().room = filling;
    },
    message: (ws, message) => {
      const seq = inputSequence(message);
      const client = ws.getUserData();
      if (seq === undefined) rejected++;
      else if (seq > client.ackedSeq) client.ackedSeq = seq;
    },
    close: (ws) => {
      const room = ws.getUserData().room;
      if (!room) return;
      room.members.delete(ws);
      if (room.members.size > 0) return;
      room.stop();
      rooms.delete(room);
      if (filling === room) filling = undefined;
    },
  });
  const listenSocket = await new Promise<uWS.us_listen_socket>((resolve, reject) => {
    app.listen(FLOOR_HOST, port, (socket) =>
      socket ? resolve(socket) : reject(new Error(`floor: cannot listen on ${port}`)),
    );
  });
  return {
    port: uWS.us_socket_local_port(listenSocket as uWS.us_socket),
    stats: () => ({
      clients: [...rooms].reduce((sum, room) => sum + room.members.size, 0),
      rooms: rooms.size,
      rejected,
    }),
    close: () => {
      uWS.us_listen_socket_close(listenSocket);
      for (const room of [...rooms]) for (const ws of [...room.members]) ws.close();
    },
  };
}

if (process.argv[1] === import.meta.filename) {
  const server = await startFloorServer(Number(process.argv[2] ?? 0));
  process.on('message', (request: FloorRequest) => {
    process.send?.({ id: request.id, stats: server.stats() } satisfies FloorReply);
  });
  process.stdout.write(`floor: listening on ${FLOOR_HOST}:${server.port}\n`);
}
