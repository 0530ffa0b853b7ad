// The floor's bot: a plain `ws` client sending 12-byte inputs and reading the acknowledged sequence from the first
// four bytes of each 300-byte message.
import WebSocket from 'ws';
import type { BotDriver, DriverContext, DriverFactory, DriverSpec, Move } from '../swarm/driver.js';
import { ackOf, encodeInput } from './wire.js';

const CLOSE_TIMEOUT_MS = 2_000;

class FloorBotDriver implements BotDriver {
  private socket: WebSocket | undefined;
  private ackListener: (ackedSeq: number) => void = () => {};
  private disconnectListener: (reason: string) => void = () => {};
  private closing = false;

  constructor(private readonly url: string) {}

  async join(): Promise<void> {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      const acked = isBinary ? ackOf(data) : undefined;
      if (acked !== undefined) this.ackListener(acked);
    });
    // An error is always followed by a close, which reports the connection lost.
    socket.on('error', () => {});
    socket.once('close', (code, reason) => {
      if (!this.closing) this.disconnectListener(`closed with code ${code}${reason.length ? `: ${reason}` : ''}`);
      this.closing = true;
    });
  }

  sendInput(seq: number, move: Move): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(encodeInput(seq, move.x, move.y));
  }

  onAck(callback: (ackedSeq: number) => void): void {
    this.ackListener = callback;
  }

  onDisconnect(callback: (reason: string) => void): void {
    this.disconnectListener = callback;
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || this.closing) return;
    this.closing = true;
    if (socket.readyState === WebSocket.CLOSED) return;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const timer = setTimeout(() => socket.terminate(), CLOSE_TIMEOUT_MS);
    socket.close();
    await closed;
    clearTimeout(timer);
  }
}

export const createBotDriver: DriverFactory = (context: DriverContext) =>
  new FloorBotDriver(context.endpoint.replace(/^http/, 'ws'));

/** The spec a swarm is given to run floor bots. */
export const floorDriver: DriverSpec = { module: import.meta.filename };
