import { Gauge, Histogram, type Registry } from 'prom-client';

/** The metrics of a host's physics worlds, in the node's registry. */
export interface PhysicsMetrics {
  readonly stepDuration: Histogram;
  readonly worldsActive: Gauge;
}

/** Creates the physics metrics in `registry` (the node's); names are listed in the README. */
export function physicsMetrics(registry: Registry): PhysicsMetrics {
  const registers = [registry];
  return {
    stepDuration: new Histogram({
      name: 'packetflow_physics_step_duration_seconds',
      help: 'Time to step one world one tick (inputs applied, Rapier stepped, moved bodies collected)',
      // A match step takes 0.03-0.1 ms; the budget of a 30 Hz tick is 33 ms.
      buckets: [0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.033],
      registers,
    }),
    worldsActive: new Gauge({
      name: 'packetflow_physics_worlds_active',
      help: 'Physics worlds held in memory on this host, one per match',
      registers,
    }),
  };
}
