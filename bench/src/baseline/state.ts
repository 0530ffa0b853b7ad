// The baseline room's Colyseus schema state: what every client decodes from each patch.
import { type SchemaType, schema, t } from '@colyseus/schema';

export const Player = schema(
  {
    x: t.float32(),
    y: t.float32(),
    z: t.float32(),
    yaw: t.float32(),
    /** The highest input sequence the simulation has applied for this player: the bots' ack. */
    lastSequence: t.uint32(),
    score: t.uint16(),
  },
  'Player',
);
export type Player = SchemaType<typeof Player>;

export const Prop = schema({ x: t.float32(), y: t.float32(), z: t.float32() }, 'Prop');
export type Prop = SchemaType<typeof Prop>;

export const BaselineState = schema(
  {
    /** Keyed by the client's session id. */
    players: t.map(Player),
    props: t.array(Prop),
  },
  'BaselineState',
);
export type BaselineState = SchemaType<typeof BaselineState>;
