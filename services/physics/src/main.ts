// The physics service alone: hosts the `physics` actor kind (one PhysicsWorld per match), configured from the
// environment like any node (see @packetflow/actors' README, "Running a node").
import { startNode } from '@packetflow/actors';
import { physicsWorldBehavior } from './behavior.js';
import { initPhysics } from './engine.js';
import { PHYSICS_KIND, physicsLimits, physicsRegistry } from './messages.js';
import { physicsMetrics } from './metrics/physics-metrics.js';

await initPhysics();
await startNode({
  register: (system, { metrics }) =>
    system.register(PHYSICS_KIND, physicsWorldBehavior({ metrics: physicsMetrics(metrics) })),
  registry: physicsRegistry(),
  limits: physicsLimits,
});
