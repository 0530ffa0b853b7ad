import { defineBehavior } from '@packetflow/actors';
import { createProtocolRegistry, type MessageRegistry, System } from '@packetflow/protocol';

/** `Tick` is counted, `Ping` is answered with an Ack, `Count` with the ticks so far (in a Heartbeat's sequence). */
export type SinkMessage = { type: 'Tick' } | { type: 'Ping' } | { type: 'Count' };

export function benchRegistry(): MessageRegistry {
  return createProtocolRegistry().registerEmpty('Tick').registerEmpty('Ping').registerEmpty('Count');
}

export const sink = defineBehavior<{ ticks: number }, SinkMessage>({
  initial: () => ({ ticks: 0 }),
  handlers: {
    Tick: (_msg, ctx) => {
      ctx.state.ticks++;
    },
    Ping: () => undefined,
    Count: (_msg, ctx) => ({ type: 'Heartbeat', body: new System.HeartbeatT(ctx.state.ticks, 0) }),
  },
});

export const SECRET = 'bench-cluster-secret';
