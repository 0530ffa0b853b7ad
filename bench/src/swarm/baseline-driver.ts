// The baseline bot: the official Colyseus SDK, decoding schema patches as a real client does and reading its own
// player's `lastSequence` from each state change.
import { Client, type Room } from '@colyseus/sdk';
import { BASELINE_ROOM, INPUT_MESSAGE } from '../baseline/names.js';
import type { BotDriver, DriverContext, DriverFactory, DriverSpec, Move } from './driver.js';

/** The part of the decoded baseline state a bot reads. */
interface DecodedState {
  players: { get(sessionId: string): { lastSequence: number } | undefined };
}

/** How long a consented leave may take before the socket is simply closed. */
const LEAVE_TIMEOUT_MS = 2_000;

class ColyseusBotDriver implements BotDriver {
  private readonly client: Client;
  private room: Room<unknown, DecodedState> | undefined;
  private ackListener: (ackedSeq: number) => void = () => {};
  private disconnectListener: (reason: string) => void = () => {};
  private closing = false;

  constructor(endpoint: string) {
    this.client = new Client(endpoint);
  }

  async join(): Promise<void> {
    const room = await this.client.joinOrCreate<DecodedState>(BASELINE_ROOM, {});
    this.room = room;
    // A dropped bot counts as disconnected; rejoining behind the swarm's back would blur that count.
    room.reconnection.enabled = false;
    const sessionId = room.sessionId;
    let acked = 0;
    room.onStateChange((state: DecodedState) => {
      acked = state.players.get(sessionId)?.lastSequence ?? acked;
      this.ackListener(acked);
    });
    const lost = (code: number, reason?: string) => {
      if (!this.closing) this.disconnectListener(`closed with code ${code}${reason ? `: ${reason}` : ''}`);
      this.closing = true;
    };
    room.onLeave(lost);
  }

  sendInput(seq: number, move: Move): void {
    this.room?.send(INPUT_MESSAGE, { seq, tick: seq, mx: move.x, my: move.y, buttons: 0 });
  }

  onAck(callback: (ackedSeq: number) => void): void {
    this.ackListener = callback;
  }

  onDisconnect(callback: (reason: string) => void): void {
    this.disconnectListener = callback;
  }

  async close(): Promise<void> {
    const room = this.room;
    if (!room || this.closing) return;
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        room.connection.close();
        resolve();
      }, LEAVE_TIMEOUT_MS);
    });
    await Promise.race([room.leave(true), timeout]);
    clearTimeout(timer);
  }
}

export const createBotDriver: DriverFactory = (context: DriverContext) => new ColyseusBotDriver(context.endpoint);

/** The spec a swarm is given to run baseline bots. */
export const baselineDriver: DriverSpec = { module: import.meta.filename };
