import type { ActorRef, ActorSystem, Message } from '@packetflow/actors';
import { defineBehavior } from '@packetflow/actors';
import { Game, type JoinAcceptedMessage, type SnapshotMessage } from '@packetflow/protocol';

/**
 * A stand-in for a gateway room, as a real actor of `system`: asked `join`, it joins player `p1` to the match, which
 * then sends it a snapshot every tick; the snapshots land in the returned array.
 */
export async function snapshotRoom(
  system: ActorSystem,
  matchId: string,
): Promise<{ readonly room: ActorRef; readonly snapshots: Game.SnapshotT[] }> {
  const snapshots: Game.SnapshotT[] = [];
  const match = system.ref<Message>('match', matchId);
  system.register(
    'room',
    defineBehavior<object, SnapshotMessage | { type: 'join' }>({
      initial: () => ({}),
      handlers: {
        join: (_msg, ctx) =>
          ctx.send<JoinAcceptedMessage>(
            match as ActorRef,
            {
              type: 'JoinMatch',
              body: new Game.JoinMatchT(matchId, 'p1', 'p1'),
            } as Message,
          ),
        Snapshot: (msg) => {
          snapshots.push(msg.body);
        },
      },
    }),
  );
  return { room: await system.create('room'), snapshots };
}
