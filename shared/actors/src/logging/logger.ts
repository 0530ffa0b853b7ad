import { hostname } from 'node:os';
import { type DestinationStream, type Logger as Pino, pino } from 'pino';
import { z } from 'zod';
import type { Logger } from '../behavior.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  /** The service that writes: `physics`, `gateway`, … */
  readonly service: string;
  /** process.env unless set: LOG_LEVEL (info unless set) and PACKETFLOW_NODE_ID. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where info and below go; stdout unless set. */
  readonly out?: DestinationStream;
  /** Where warnings and errors go; stderr unless set. */
  readonly err?: DestinationStream;
}

/** The node id a process runs as when PACKETFLOW_NODE_ID does not say. */
export function defaultNodeId(): string {
  return `${hostname()}-${process.pid}`;
}

/** LOG_LEVEL, checked: one of pino's levels, info when unset or empty. */
export function logLevelFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): LogLevel {
  const given = env.LOG_LEVEL;
  if (given === undefined || given === '') return 'info';
  const parsed = z.enum(LOG_LEVELS).safeParse(given);
  if (!parsed.success) throw new Error(`LOG_LEVEL: expected one of ${LOG_LEVELS.join(', ')}, got "${given}"`);
  return parsed.data;
}

/**
 * A service's logger: JSON lines through pino with time, level, service, node id and message; info and below on
 * stdout, warnings and errors on stderr (so a supervisor can tell them apart without parsing). Written
 * synchronously: the line saying why a process is about to exit must not be lost with it.
 */
export function createLogger(options: LoggerOptions): Logger {
  const env = options.env ?? process.env;
  const level = logLevelFromEnv(env);
  const streams = pino.multistream(
    [
      { level: 'trace', stream: options.out ?? pino.destination({ dest: 1, sync: true }) },
      { level: 'warn', stream: options.err ?? pino.destination({ dest: 2, sync: true }) },
    ],
    { dedupe: true },
  );
  const root = pino(
    {
      level,
      base: { service: options.service, node: env.PACKETFLOW_NODE_ID || defaultNodeId() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { error: pino.stdSerializers.err },
    },
    streams,
  );
  return adapt(root);
}

/** The logger of a part of the runtime given none (tests, a system started by hand): tagged with the part. */
export function componentLogger(component: string): Logger {
  return createLogger({ service: component });
}

/** Our Logger puts the message first and fields after, as every call site reads best; pino takes them reversed. */
function adapt(logger: Pino): Logger {
  return {
    info: (message, fields) => logger.info(fields ?? {}, message),
    warn: (message, fields) => logger.warn(fields ?? {}, message),
    error: (message, fields) => logger.error(fields ?? {}, message),
  };
}
