// A guest token, then into the match the page asked for, or any of its mode with room.
import { type MatchConnection, PacketFlowClient } from '@packetflow/client';
import type { PageOptions } from '../page-options.js';

export async function joinMatch(options: PageOptions): Promise<MatchConnection> {
  const client = new PacketFlowClient(options.gateway);
  await client.guest();
  return options.matchId === undefined ? client.joinOrCreate({ mode: options.mode }) : client.join(options.matchId);
}
