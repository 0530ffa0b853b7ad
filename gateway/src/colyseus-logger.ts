// Colyseus logs through a console-shaped logger (console itself unless given one): through this one its lines are the
// gateway's JSON lines like every other. Its debug and trace output is left out, as the gateway's own is.
import { format } from 'node:util';
import type { Logger } from '@packetflow/actors';

export interface ColyseusLogger {
  debug(...args: unknown[]): void;
  trace(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export function colyseusLogger(logger: Logger): ColyseusLogger {
  return {
    debug: () => {},
    trace: () => {},
    info: (...args) => logger.info(format(...args), { from: 'colyseus' }),
    warn: (...args) => logger.warn(format(...args), { from: 'colyseus' }),
    error: (...args) => logger.error(format(...args), { from: 'colyseus' }),
  };
}
