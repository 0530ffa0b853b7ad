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

/** A rigid body as the physics variant synchronises it: position and rotation, as PacketFlow's snapshots carry. */
const body = {
  x: t.float32(),
  y: t.float32(),
  z: t.float32(),
  qx: t.float32(),
  qy: t.float32(),
  qz: t.float32(),
  qw: t.float32(),
};

export const PhysicsProp = schema(body, 'PhysicsProp');
export type PhysicsProp = SchemaType<typeof PhysicsProp>;

export const PhysicsPlayer = schema({ ...body, lastSequence: t.uint32(), score: t.uint16() }, 'PhysicsPlayer');
export type PhysicsPlayer = SchemaType<typeof PhysicsPlayer>;

export const PhysicsBaselineState = schema(
  { players: t.map(PhysicsPlayer), props: t.array(PhysicsProp) },
  'PhysicsBaselineState',
);
export type PhysicsBaselineState = SchemaType<typeof PhysicsBaselineState>;
