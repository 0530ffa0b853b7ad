// The PacketFlow bot: the @packetflow/client SDK, a guest token per bot, FlatBuffers snapshots decoded by the SDK,
// whose own acknowledged sequence for the bot's entity is the ack.
import { type MatchConnection, PacketFlowClient } from '@packetflow/client';
import type { BotDriver, DriverContext, DriverFactory, DriverSpec, Move } from './driver.js';

/**
 * What the gateway needs to serve hundreds of bots from this machine: its per-address limits on guest tokens and
 * seat reservations (a few dozen a minute) are meant for players, and every bot here comes from 127.0.0.1.
 */
export const LOOPBACK_BOTS = { PACKETFLOW_RATE_LIMIT_EXEMPT: '127.0.0.1' } as const;

/** How long a consented leave may take before the bot stops waiting for it. */
const LEAVE_TIMEOUT_MS = 2_000;

class PacketFlowBotDriver implements BotDriver {
  private readonly client: PacketFlowClient;
  private match: MatchConnection | undefined;
  private ackListener: (ackedSeq: number) => void = () => {};
  private disconnectListener: (reason: string) => void = () => {};
  private closing = false;
  /**
   * The SDK numbers inputs itself (1, 2, 3, … as the swarm does); the difference is kept in case the two ever
   * part, so acks are reported in the swarm's numbering.
   */
  private sequenceOffset = 0;

  constructor(
    endpoint: string,
    private readonly name: string,
  ) {
    this.client = new PacketFlowClient(endpoint);
  }

  async join(): Promise<void> {
    await this.client.guest();
    // Headless, as the baseline's bots are: the Colyseus SDK keeps no interpolation buffer either.
    const match = await this.client.joinOrCreate({ name: this.name, interpolate: false });
    this.match = match;
    match.onSnapshot((_snapshot, ackedSequence) => this.ackListener(ackedSequence - this.sequenceOffset));
    const lost = (code: number, reason: string) => {
      if (!this.closing) this.disconnectListener(`closed with code ${code}${reason ? `: ${reason}` : ''}`);
      this.closing = true;
    };
    match.onLeave(lost);
    // A dropped bot counts as disconnected: leaving stops the SDK from rejoining behind the swarm's back.
    match.onDrop((code, reason) => {
      lost(code, reason);
      void match.leave();
    });
  }

  sendInput(seq: number, move: Move): void {
    if (!this.match || this.closing) return;
    this.sequenceOffset = this.match.sendInput({ move, clientTick: seq }) - seq;
  }

  onAck(callback: (ackedSeq: number) => void): void {
    this.ackListener = callback;
  }

  onDisconnect(callback: (reason: string) => void): void {
    this.disconnectListener = callback;
  }

  async close(): Promise<void> {
    const match = this.match;
    if (!match || this.closing) return;
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, LEAVE_TIMEOUT_MS);
    });
    await Promise.race([match.leave(), timeout]);
    clearTimeout(timer);
  }
}

export const createBotDriver: DriverFactory = (context: DriverContext) =>
  new PacketFlowBotDriver(context.endpoint, context.botName);

/** The spec a swarm is given to run PacketFlow bots against a gateway. */
export const packetflowDriver: DriverSpec = { module: import.meta.filename };
