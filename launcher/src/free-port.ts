// Loopback ports for the cluster's nodes and any gateway beyond the first: the launcher picks them before it starts
// the processes, because every node must be told every other node's address up front.
import { createServer } from 'node:net';

/** A loopback port nobody listens on right now, found by letting the kernel pick one. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port from the probe server');
  return address.port;
}
