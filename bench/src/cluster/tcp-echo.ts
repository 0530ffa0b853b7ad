// The floor under any actor transport on this machine: a bare Node.js TCP echo between two processes, 64-byte
// messages, one in flight. Run as a child (`server` argument) and measured from the parent.
import { fork } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { readCpuMs } from '../swarm/proc.js';

/**
 * `roundTrips` echoes after `warmUp` more: each one's µs, and the CPU time (user + system, in ms) the measured ones
 * took in this process and in the echoing one. With `twoConnections`, the echo comes back on a connection the echoing
 * process dialed, as cluster nodes do (each sends only on connections it dialed, PROTOCOL.md §7); otherwise on the
 * one it was sent on.
 */
export async function tcpEcho(
  roundTrips: number,
  warmUp: number,
  twoConnections = false,
): Promise<{ micros: number[]; cpu: { self: number; other: number } }> {
  const child = fork(import.meta.filename, ['server']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  let replies: Socket = socket;
  const listener = createServer();
  if (twoConnections) {
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
    const address = listener.address();
    child.send(typeof address === 'object' && address ? address.port : 0);
    replies = await accepted;
    await new Promise((resolve) => child.once('message', resolve));
  }
  const payload = Buffer.alloc(64);
  const echo = () => {
    const echoed = new Promise((resolve) => replies.once('data', resolve));
    socket.write(payload);
    return echoed;
  };
  for (let i = 0; i < warmUp; i++) await echo();
  const micros: number[] = [];
  const [self, other] = [process.cpuUsage(), readCpuMs(child.pid!)];
  for (let i = 0; i < roundTrips; i++) {
    const start = process.hrtime.bigint();
    await echo();
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const used = process.cpuUsage(self);
  const cpu = { self: (used.user + used.system) / 1000, other: readCpuMs(child.pid!) - other };
  socket.destroy();
  replies.destroy();
  listener.close();
  child.kill();
  return { micros, cpu };
}

if (process.argv[2] === 'server') {
  // Where echoes go: the connection they came on, until the parent names a port to dial for them.
  let back: Socket | undefined;
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (data) => (back ?? socket).write(data));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address ? address.port : 0);
  });
  process.on('message', (port) => {
    const dialed = connect({ port: port as number, host: '127.0.0.1', noDelay: true });
    dialed.once('connect', () => {
      back = dialed;
      process.send?.('dialed');
    });
  });
}
