// A cluster member that hosts nothing: increments one counter and prints which node answered, once or every
// --every milliseconds until Ctrl-C. Configured from the environment like any node (see the README's Cluster section).
// npm run example:client -w @packetflow/actors -- <counter id> [--every <ms>]
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createLogger, startNode } from '../../src/index.js';
import { type Count, type CounterMessage, counterRegistry, increment, readCount } from './counter.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { every: { type: 'string' } } });
const [id] = positionals;
const everyMs = values.every === undefined ? undefined : Number(values.every);
if (id === undefined || positionals.length > 1 || (everyMs !== undefined && !(everyMs > 0))) {
  console.error('usage: client <counter id> [--every <ms>]');
  process.exit(2);
}

// Logs go to stderr, so that stdout holds only the answers.
const node = await startNode({
  register: () => {},
  registry: counterRegistry(),
  logger: createLogger({ service: 'counter-client', out: pino.destination({ dest: 2, sync: true }) }),
});
const counter = node.system.ref<CounterMessage>('counter', id);

async function incrementOnce(): Promise<boolean> {
  try {
    const reply = await node.system.send<Count, CounterMessage>(counter, increment, { timeoutMs: 2000 });
    const { node: answeredBy, value } = readCount(reply);
    console.log(`counter ${id} = ${value} (answered by ${answeredBy})`);
    return true;
  } catch (error) {
    console.log(`counter ${id}: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

if (everyMs === undefined) {
  if (!(await incrementOnce())) process.exitCode = 1;
  await node.stop();
} else {
  // Runs until SIGINT or SIGTERM, on which startNode leaves the cluster and exits.
  for (;;) {
    await incrementOnce();
    await delay(everyMs);
  }
}
