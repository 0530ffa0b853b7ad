// The floor under any actor transport on this machine: a bare Node.js TCP echo between two processes, 64-byte
// messages, one in flight. Run as a child (`server` argument) and measured from the parent.
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { readCpuMs } from '../swarm/proc.js';

/**
 * `roundTrips` echoes after `warmUp` more: each one's µs, and the CPU time (user + system, in ms) the measured ones
 * took in this process and in the echoing one.
 */
export async function tcpEcho(
  roundTrips: number,
  warmUp: number,
): Promise<{ micros: number[]; cpu: { self: number; other: number } }> {
  const child = fork(import.meta.filename, ['server']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  const payload = Buffer.alloc(64);
  const echo = () => {
    const echoed = new Promise((resolve) => socket.once('data', resolve));
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
  child.kill();
  return { micros, cpu };
}

if (process.argv[2] === 'server') {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (data) => socket.write(data));
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.(typeof address === 'object' && address ? address.port : 0);
  });
}
