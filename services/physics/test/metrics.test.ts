import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { ActorSystem } from '@packetflow/actors';
import { metricSample } from '@packetflow/testing';
import { Registry } from 'prom-client';
import {
  FIRST_PLAYER_ENTITY,
  initPhysics,
  type JoinAcceptedMessage,
  physicsMessages as m,
  PHYSICS_KIND,
  type PhysicsMessage,
  physicsMetrics,
  physicsWorldBehavior,
} from '../src/index.js';

describe('physics metrics', () => {
  before(async () => {
    await initPhysics();
  });

  test('count the steps of every world and the worlds held, freed when idle or closed', async () => {
    const registry = new Registry();
    const system = await ActorSystem.start({ nodeId: 'physics-metrics' });
    system.register(PHYSICS_KIND, physicsWorldBehavior({ metrics: physicsMetrics(registry), idleTimeoutMs: 1500 }));
    const steps = 'packetflow_physics_step_duration_seconds';
    const worlds = 'packetflow_physics_worlds_active';
    assert.equal(await metricSample(registry, worlds), 0);

    const a = system.ref<PhysicsMessage>(PHYSICS_KIND, 'metrics-a');
    const b = system.ref<PhysicsMessage>(PHYSICS_KIND, 'metrics-b');
    const joined = await system.send<JoinAcceptedMessage>(a, m.join('metrics-a', 'p1'));
    assert.equal(joined.body.entity, FIRST_PLAYER_ENTITY);
    for (let tick = 1; tick <= 5; tick++)
      await system.send(a, m.step('metrics-a', tick, [m.input(FIRST_PLAYER_ENTITY, 1, 0)]));
    for (let tick = 1; tick <= 3; tick++) await system.send(b, m.step('metrics-b', tick, []));
    assert.equal(await metricSample(registry, worlds), 2);
    assert.equal(await metricSample(registry, steps, { sampleName: `${steps}_count` }), 8);
    assert.ok((await metricSample(registry, steps, { sampleName: `${steps}_sum` })) > 0);

    await assert.rejects(system.send(a, m.step('metrics-a', 5, [])), /tick 5 does not come after/);
    assert.equal(
      await metricSample(registry, steps, { sampleName: `${steps}_count` }),
      8,
      'a refused step is not a step',
    );

    await system.send(b, m.close);
    assert.equal(await metricSample(registry, worlds), 1);
    const deadline = Date.now() + 20_000;
    while ((await metricSample(registry, worlds)) > 0) {
      if (Date.now() > deadline) assert.fail('the idle world was never freed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await system.shutdown();
  });
});
