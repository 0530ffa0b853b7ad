// A host of the `counter` actor kind, configured from the environment (see the README's Cluster section).
// npm run example:counter -w @packetflow/actors
import { startNode } from '../../src/index.js';
import { counterBehavior, counterRegistry } from './counter.js';

await startNode({
  register: (system) => system.register('counter', counterBehavior(system.nodeId)),
  registry: counterRegistry(),
});
