import { createProtocolRegistry, Game, type MessageRegistry, tableCodec, type WireMessage } from '@packetflow/protocol';
import { defineBehavior } from '../../src/index.js';

/**
 * A `counter` actor kind whose messages cross nodes. `Increment` and `GetCount` carry no fields; the reply `Count`
 * says which node answered and the value there. A real service would add its own table to the schemas; this example
 * borrows the PlayerStats table (playerId = node, score = value) so that it needs no code generation.
 */
export type Increment = WireMessage<'Increment', undefined>;
export type GetCount = WireMessage<'GetCount', undefined>;
export type Count = WireMessage<'Count', Game.PlayerStatsT>;
export type CounterMessage = Increment | GetCount;

export const increment: Increment = { type: 'Increment', body: undefined };
export const getCount: GetCount = { type: 'GetCount', body: undefined };

export function counterRegistry(): MessageRegistry {
  return createProtocolRegistry()
    .registerEmpty('Increment')
    .registerEmpty('GetCount')
    .register(tableCodec('PlayerStats', Game.PlayerStats, undefined, 'Count'));
}

export function readCount(reply: Count): { node: string; value: number } {
  return { node: String(reply.body.playerId), value: reply.body.score };
}

/** State lives in memory only: when its node dies, a counter starts again from 0 on its new owner. */
export function counterBehavior(nodeId: string) {
  const count = (value: number): Count => ({ type: 'Count', body: new Game.PlayerStatsT(nodeId, 0, value, 0) });
  return defineBehavior<{ value: number }, CounterMessage>({
    initial: () => ({ value: 0 }),
    handlers: {
      Increment: (_msg, ctx) => count(++ctx.state.value),
      GetCount: (_msg, ctx) => count(ctx.state.value),
    },
  });
}
