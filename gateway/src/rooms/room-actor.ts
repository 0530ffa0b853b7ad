// The actor side of a Colyseus match room: a pinned actor on the gateway's node. Joins and leaves go to the match
// from it, so the match knows the room's address and sends it a snapshot every tick; it hands them to the room.
import { defineBehavior, type Message } from '@packetflow/actors';
import {
  Game,
  type JoinAcceptedMessage,
  type JoinMatchMessage,
  MATCH_KIND,
  type MatchRequest,
  ROOM_KIND,
  type SnapshotMessage,
  type WireMessage,
} from '@packetflow/protocol';

/** Gateway rooms (never hosted virtually: every room actor is created pinned to its gateway) and the matches. */
export { MATCH_KIND, ROOM_KIND };

/** What the room actor needs of its Colyseus room. */
export interface RoomPort {
  readonly matchId: string;
  /**
   * Called once per match tick with the match's snapshot: its FlatBuffer bytes when it came from another node
   * (the gateway's registry passes snapshots through), the object when the match runs in this process.
   */
  snapshot(snapshot: Game.SnapshotT | Uint8Array): void;
}

export interface RoomJoin extends Message {
  readonly type: 'RoomJoin';
  readonly playerId: string;
  readonly name: string | null;
  /** The game mode the room's match plays (JoinMatch.mode); null joins the match in whatever mode it has. */
  readonly mode?: string | null;
  /** A new client takes over the player's seat and numbers its inputs from 1 (JoinMatch.restart_inputs). */
  readonly restartInputs?: boolean;
  /** The deadline of the match's answer; the service timeout unless set. */
  readonly timeoutMs?: number;
}

export interface RoomClose extends Message {
  readonly type: 'RoomClose';
}

/** A snapshot as the room actor receives it. */
export type RoomSnapshot = SnapshotMessage | WireMessage<'Snapshot', Uint8Array>;

export type RoomActorMessage = RoomJoin | RoomClose | RoomSnapshot;

/**
 * The answer to RoomJoin: the match's reply, still on its way. The handler only starts the ask, so
 * snapshots keep flowing through the room while a join waits on the match.
 */
export interface Pending<T> {
  readonly reply: Promise<T>;
}

export function roomActorBehavior(options: { serviceTimeoutMs: number }) {
  const deadline = { timeoutMs: options.serviceTimeoutMs };
  const pending = <T>(reply: Promise<T>): Pending<T> => {
    // Marked handled at once: the caller awaits it only after the ask to this actor has returned.
    reply.catch(() => {});
    return { reply };
  };
  return defineBehavior<RoomPort, RoomActorMessage, RoomPort>({
    initial: (_id, port) => {
      if (port === undefined) throw new Error(`a ${ROOM_KIND} actor is created with its room`);
      return port;
    },
    handlers: {
      RoomJoin: (msg, ctx) => {
        const matchId = ctx.state.matchId;
        const join: JoinMatchMessage = {
          type: 'JoinMatch',
          body: new Game.JoinMatchT(matchId, msg.playerId, msg.name, msg.restartInputs ?? false, msg.mode ?? null),
        };
        const match = ctx.system.ref<MatchRequest>(MATCH_KIND, matchId);
        return pending(
          ctx.send<JoinAcceptedMessage>(
            match,
            join,
            msg.timeoutMs === undefined ? deadline : { timeoutMs: msg.timeoutMs },
          ),
        );
      },
      RoomClose: (_msg, ctx) => ctx.stop(),
      Snapshot: (msg, ctx) => ctx.state.snapshot(msg.body),
    },
    // Its state is the live Colyseus room, which a restart could not rebuild any better than it is.
    supervision: { strategy: 'stop' },
  });
}
