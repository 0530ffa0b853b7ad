// The whole backend in one process: physics, player-store and game-logic hosted by the gateway's node. A match and
// the rooms of its players then exchange inputs and snapshots as messages in memory, with no packets, no socket
// and no second event loop between them: the cheapest way to run on one machine. Every actor still speaks the
// protocol, so a second node of any role can join this one's cluster.
import { serveGateway } from '@packetflow/gateway';
import { hostedServices } from './hosted-services.js';

// Snapshots from a match on another node arrive decoded here (no pass-through): this node's own matches send theirs
// to other gateways as objects, which a pass-through registry could not encode.
const services = await hostedServices('backend');
await serveGateway({
  register: services.register,
  registry: services.registry,
  limits: services.limits,
  logger: services.logger,
  readiness: services.readiness,
  joined: services.joined,
});
