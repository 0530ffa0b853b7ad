// The floor under any actor transport on this machine: a bare Node.js TCP echo between two processes, 64-byte
// messages, one in flight. Run as a child (`server` argument) and measured from the parent.
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';

export async function tcpEchoMicros(roundTrips: number): Promise<number[]> {
  const child = fork(import.meta.filename, ['server']);
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  const payload = Buffer.alloc(64);
  const samples: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const start = process.hrtime.bigint();
    const echoed = new Promise((resolve) => socket.once('data', resolve));
    socket.write(payload);
    await echoed;
    samples.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  socket.destroy();
  child.kill();
  return samples;
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
