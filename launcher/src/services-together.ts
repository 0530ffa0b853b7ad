// Physics, player-store and game-logic hosted by one process: one node with all three roles. A match then asks its
// physics world and the players in the same process, with no packets between them; the gateway stays apart.
import { startNode } from '@packetflow/actors';
import { hostedServices } from './hosted-services.js';

const services = await hostedServices('services');
const node = await startNode({
  register: services.register,
  registry: services.registry,
  limits: services.limits,
  logger: services.logger,
  readiness: services.readiness,
});
services.joined(node.cluster);
