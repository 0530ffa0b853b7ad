import type { ActorRef, ActorSystem, Message } from '@packetflow/actors';
import { defineBehavior } from '@packetflow/actors';
import { Game, type JoinAcceptedMessage, type SnapshotMessage } from '@packetflow/protocol';

/** What the stand-in room is asked: join a player (`p1` unless named) to the match, or stop as a dead gateway's. */
export type SnapshotRoomMessage =
  | SnapshotMessage
  | { type: 'join'; playerId?: string; restartInputs?: boolean; mode?: string }
  | { type: 'close' };

/**
 * A stand-in for a gateway room, as a real actor of `system` (kind `room`): asked `join`, it joins a player to the
 * match, which then sends it a snapshot every tick; the snapshots of every room of the kind land in the returned
 * array. `joinAs` joins a player through the room and answers the match's JoinAccepted.
 */
export async function snapshotRoom(system: ActorSystem, matchId: string) {
  const snapshots: Game.SnapshotT[] = [];
  const match = system.ref<Message>('match', matchId);
  system.register(
    'room',
    defineBehavior<object, SnapshotRoomMessage>({
      initial: () => ({}),
      handlers: {
        join: (msg, ctx) => {
          const playerId = msg.playerId ?? 'p1';
          return ctx.send<JoinAcceptedMessage>(
            match as ActorRef,
            {
              type: 'JoinMatch',
              body: new Game.JoinMatchT(matchId, playerId, playerId, msg.restartInputs ?? false, msg.mode ?? null),
            } as Message,
          );
        },
        Snapshot: (msg) => {
          snapshots.push(msg.body);
        },
        close: (_msg, ctx) => ctx.stop(),
      },
    }),
  );
  const room = await system.create<SnapshotRoomMessage>('room');
  const joinAs = async (playerId: string, mode?: string): Promise<Game.JoinAcceptedT> =>
    (
      (await system.send(room, {
        type: 'join',
        playerId,
        ...(mode === undefined ? {} : { mode }),
      })) as JoinAcceptedMessage
    ).body;
  return { room, snapshots, joinAs };
}
