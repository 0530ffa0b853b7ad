// What the swarm needs from a client SDK, so one harness drives the baseline and PacketFlow alike.
import { pathToFileURL } from 'node:url';

/** A move vector, each component in [-1, 1]. */
export interface Move {
  x: number;
  y: number;
}

/** One bot's connection to a server through some client SDK. */
export interface BotDriver {
  /** Connects and joins a room (join-or-create, so bots fill rooms); rejects when the join fails. */
  join(): Promise<void>;
  /** Sends one input. Sequences start at 1 and grow by one per input. */
  sendInput(seq: number, move: Move): void;
  /**
   * Called once for every state update or snapshot the bot receives, with the highest input sequence the server
   * has acknowledged for this bot's own player so far (0 before the first).
   */
  onAck(callback: (ackedSeq: number) => void): void;
  /** Called once if the connection ends without `close()` being asked for. */
  onDisconnect(callback: (reason: string) => void): void;
  close(): Promise<void>;
}

export interface DriverContext {
  /** Where the server is, e.g. `http://127.0.0.1:2567`. */
  endpoint: string;
  /** A name unique within the swarm, for SDKs that want one. */
  botName: string;
  /** The driver's own settings, from its `DriverSpec`. */
  options: Record<string, unknown>;
}

export type DriverFactory = (context: DriverContext) => BotDriver;

/**
 * A driver by module, since bots run in child processes: the module's `createBotDriver` export is the factory.
 * `options` must survive JSON (it crosses the IPC channel).
 */
export interface DriverSpec {
  /** Absolute path of the compiled module. */
  module: string;
  options?: Record<string, unknown>;
}

export async function loadDriverFactory(spec: DriverSpec): Promise<DriverFactory> {
  const loaded = (await import(pathToFileURL(spec.module).href)) as { createBotDriver?: DriverFactory };
  if (typeof loaded.createBotDriver !== 'function') {
    throw new Error(`bot driver module ${spec.module} has no createBotDriver export`);
  }
  return loaded.createBotDriver;
}
