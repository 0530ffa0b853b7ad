import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { infraFile } from '../paths.js';
import { readEnvFile } from './env-file.js';
import { interpolateTree, type Variables } from './interpolation.js';

/** The Compose file of the repository and the `.env` it is checked with (a copy of it is what a studio fills in). */
export const COMPOSE_FILE = infraFile('compose.yaml');
export const ENV_EXAMPLE = infraFile('.env.example');

export interface ComposeService {
  name: string;
  image?: string;
  /** After interpolation, with the service's `env_file` contents under its own `environment`. */
  environment: Record<string, string>;
}

/** A Compose file as written (`raw`, YAML merge keys applied) and as Compose runs it (`resolved`, interpolated). */
export interface ComposeDocument {
  /** The path as messages name it: relative to the infra folder when inside it. */
  readonly name: string;
  readonly path: string;
  readonly raw: ComposeTree;
  readonly resolved: ComposeTree;
}

export type ComposeTree = { readonly [key: string]: unknown };

/** The Compose file and the variables it is interpolated with; `infra/.env.example`'s unless given. */
export async function readComposeDocument(
  path: string = COMPOSE_FILE,
  variables: Variables = readEnvFile(ENV_EXAMPLE),
): Promise<ComposeDocument> {
  const name = displayName(path);
  const raw: unknown = parse(await readFile(path, 'utf8'), { merge: true });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${name}: not a YAML mapping`);
  try {
    return { name, path, raw: raw as ComposeTree, resolved: interpolateTree(raw, variables) as ComposeTree };
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Every service of a Compose file with its environment as the container gets it: interpolated from
 * `infra/.env.example`, `env_file` contents first and `environment` over them, as Compose merges them.
 */
export async function composeServices(file?: string): Promise<ComposeService[]> {
  const document = await readComposeDocument(file);
  const services = (document.resolved.services ?? {}) as Record<string, ServiceTree>;
  return Object.entries(services).map(([name, service]) => ({
    name,
    ...(typeof service.image === 'string' ? { image: service.image } : {}),
    environment: {
      ...envFiles(service.env_file, dirname(document.path)),
      ...listOrDict(service.environment),
    },
  }));
}

interface ServiceTree {
  readonly image?: unknown;
  readonly env_file?: unknown;
  readonly environment?: unknown;
}

function envFiles(envFile: unknown, base: string): Record<string, string> {
  const files = envFile === undefined ? [] : Array.isArray(envFile) ? envFile : [envFile];
  return Object.assign({}, ...files.map((file) => readEnvFile(resolve(base, String(file)))));
}

/**
 * Compose's `list_or_dict`: `KEY=VALUE` strings or a mapping. A bare `KEY` or a `KEY:` without a value passes the
 * variable of the shell that runs Compose, which a file alone does not say: such keys are left out.
 */
export function listOrDict(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.flatMap((entry) => {
        const text = String(entry);
        const equals = text.indexOf('=');
        return equals < 0 ? [] : [[text.slice(0, equals), text.slice(equals + 1)]];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      item === null ? [] : [[key, String(item)]],
    ),
  );
}

function displayName(path: string): string {
  const inside = relative(infraFile(''), path);
  return inside.startsWith('..') ? path : inside;
}
