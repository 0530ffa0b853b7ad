import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { type ComposeDocument, listOrDict } from './compose-file.js';
import { composeSchemaProblems } from './compose-schema.js';
import { durationSeconds, gracefulStopSeconds } from './graceful-leave.js';
import { serviceConfigProblems } from './service-config.js';

/**
 * What issue 13 asks of the Compose deployment, checked on a Compose file: every problem as
 * `<file>: <key>: <reason>`, the key in dotted form (`services.gateway-1.depends_on.physics.condition`).
 */
export interface ComposeCheckOptions {
  /** Where relative mounts resolve, as `docker compose --project-directory`: the file's folder unless set. */
  readonly projectDirectory?: string;
}

type Tree = Readonly<Record<string, unknown>>;
type Report = (key: string, reason: string) => void;

interface Service {
  readonly name: string;
  readonly tree: Tree;
  readonly raw: Tree;
  readonly environment: Record<string, string>;
  /** PACKETFLOW_SERVICE: which PacketFlow service the container runs; undefined for Redis, Prometheus, Grafana. */
  readonly packetflow: string | undefined;
}

/** The services the monitoring profile runs, and what each must mount from the project directory. */
const MONITORING_MOUNTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  prometheus: { '/etc/prometheus/prometheus.yml': './prometheus/prometheus.yml' },
  grafana: {
    '/etc/grafana/provisioning': './grafana/provisioning',
    '/var/lib/grafana/dashboards': './grafana/dashboards',
  },
};

/** Environment variables whose values are secrets: they must come from the .env file, never the Compose file. */
const SECRET_VARIABLE = /SECRET|PASSWORD|REDISCLI_AUTH/;
/** `${VAR:?message}`: interpolated from .env, and Compose refuses to start without it. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Compose's ${VAR} syntax, not a template
const INLINE_SECRET = 'a secret written in the file: take it from .env with ${VAR:?message}';
const REQUIRED_INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*:\?[^}]*\}$/;

export function composeProblems(document: ComposeDocument, options: ComposeCheckOptions = {}): string[] {
  const problems: string[] = [];
  const report: Report = (key, reason) => problems.push(`${document.name}: ${key}: ${reason}`);
  for (const problem of composeSchemaProblems(document.resolved)) problems.push(`${document.name}: ${problem}`);
  const rawServices = tree(document.raw.services);
  const services = Object.entries(tree(document.resolved.services)).map(([name, value]): Service => {
    const environment = listOrDict(tree(value).environment);
    return {
      name,
      tree: tree(value),
      raw: tree(rawServices[name]),
      environment,
      packetflow: environment.PACKETFLOW_SERVICE,
    };
  });
  const projectDirectory = options.projectDirectory ?? dirname(document.path);
  for (const service of services) {
    restartAndHealth(service, services, report);
    secretsFromEnvFile(service, report);
    if (service.packetflow !== undefined) packetflowNode(service, services, report);
  }
  oneImage(services, report);
  redis(services, Object.keys(tree(document.resolved.volumes)), report);
  gateways(services, report);
  published(services, report);
  monitoring(services, projectDirectory, report);
  return problems;
}

function restartAndHealth(service: Service, services: readonly Service[], report: Report): void {
  const key = `services.${service.name}`;
  if (service.tree.restart !== 'unless-stopped') {
    report(`${key}.restart`, `${JSON.stringify(service.tree.restart)}, expected "unless-stopped"`);
  }
  const healthcheck = service.tree.healthcheck as Tree | undefined;
  if (healthcheck === undefined) report(`${key}.healthcheck`, 'missing: depends_on and restarts need to know');
  else if (healthcheck.disable === true || !Array.isArray(healthcheck.test) || healthcheck.test[0] === 'NONE') {
    report(`${key}.healthcheck.test`, 'no test that Compose runs');
  }
  const dependsOn = service.tree.depends_on;
  if (Array.isArray(dependsOn)) report(`${key}.depends_on`, 'a list waits for a start, not for health: use condition');
  for (const [target, condition] of Object.entries(tree(dependsOn))) {
    if (tree(condition).condition !== 'service_healthy') {
      report(`${key}.depends_on.${target}.condition`, 'expected service_healthy: a started container is not ready');
    }
    const other = services.find((s) => s.name === target);
    if (other !== undefined && other.tree.healthcheck === undefined) {
      report(`${key}.depends_on.${target}`, `${target} has no healthcheck to wait for`);
    }
  }
}

/** A secret written in the file is in version control; from `${VAR:?...}` it is in `.env` only. */
function secretsFromEnvFile(service: Service, report: Report): void {
  const key = `services.${service.name}`;
  for (const [variable, value] of Object.entries(listOrDict(service.raw.environment))) {
    const secret = variable === 'REDIS_URL' ? /^rediss?:\/\/[^:@/]*:([^@]*)@/.exec(value)?.[1] : value;
    if (variable === 'REDIS_URL' && secret === undefined) {
      report(`${key}.environment.REDIS_URL`, 'no password: Redis requires one (--requirepass)');
    } else if ((variable === 'REDIS_URL' || SECRET_VARIABLE.test(variable)) && !REQUIRED_INTERPOLATION.test(secret!)) {
      report(`${key}.environment.${variable}`, INLINE_SECRET);
    }
  }
  const command = service.raw.command;
  if (Array.isArray(command)) {
    const index = command.indexOf('--requirepass');
    if (index >= 0 && !REQUIRED_INTERPOLATION.test(String(command[index + 1]))) {
      report(`${key}.command[${index + 1}]`, INLINE_SECRET);
    }
  }
}

function packetflowNode(service: Service, services: readonly Service[], report: Report): void {
  const key = `services.${service.name}`;
  const env = service.environment;
  for (const { variable, reason } of serviceConfigProblems(service.packetflow!, env)) {
    report(`${key}.environment.${variable}`, `${service.packetflow} would refuse to start: ${reason}`);
  }
  const build = tree(service.tree.build);
  if (build.context !== '..' || build.dockerfile !== 'infra/docker/Dockerfile') {
    report(`${key}.build`, 'expected context .. (the repository root) and dockerfile infra/docker/Dockerfile');
  }
  const grace = durationSeconds(service.tree.stop_grace_period) ?? 10;
  const needed = gracefulStopSeconds(service.packetflow!);
  if (grace < needed) {
    report(`${key}.stop_grace_period`, `${grace} s, but a graceful ${service.packetflow} stop may take ${needed} s`);
  }
  if (env.PACKETFLOW_ADVERTISE !== `${service.name}:${env.PACKETFLOW_PORT}`) {
    report(`${key}.environment.PACKETFLOW_ADVERTISE`, `expected ${service.name}:${env.PACKETFLOW_PORT}, its own name`);
  }
  const sameId = services.filter((s) => s.packetflow && s.environment.PACKETFLOW_NODE_ID === env.PACKETFLOW_NODE_ID);
  if (env.PACKETFLOW_NODE_ID === undefined || sameId.length > 1) {
    report(`${key}.environment.PACKETFLOW_NODE_ID`, 'every node needs an id of its own');
  }
  const redisHost = /@([^:/]+)/.exec(env.REDIS_URL ?? '')?.[1];
  const redisService = services.find((s) => s.name === redisHost);
  if (redisService === undefined || !isRedis(redisService)) {
    report(`${key}.environment.REDIS_URL`, 'expected the Redis service of this file');
  } else if (tree(tree(service.tree.depends_on)[redisService.name]).condition !== 'service_healthy') {
    report(`${key}.depends_on.${redisService.name}`, 'missing: a node needs Redis to join');
  }
}

function oneImage(services: readonly Service[], report: Report): void {
  const nodes = services.filter((s) => s.packetflow !== undefined);
  const images = new Set(nodes.map((s) => s.tree.image));
  for (const node of nodes) {
    if (typeof node.tree.image !== 'string' || images.size > 1) {
      report(
        `services.${node.name}.image`,
        `one tagged image for every PacketFlow service, got ${[...images].join(', ')}`,
      );
    }
  }
}

function isRedis(service: Service): boolean {
  return typeof service.tree.image === 'string' && /^redis:7/.test(service.tree.image);
}

function redis(services: readonly Service[], namedVolumes: readonly string[], report: Report): void {
  const found = services.filter(isRedis);
  if (found.length !== 1) report('services', `expected one Redis 7 service, found ${found.length}`);
  for (const service of found) {
    const key = `services.${service.name}`;
    const command = Array.isArray(service.tree.command) ? service.tree.command.map(String) : [];
    const option = (name: string) => {
      const index = command.indexOf(name);
      return index < 0 ? undefined : command[index + 1];
    };
    if (option('--appendonly') !== 'yes') report(`${key}.command`, 'no --appendonly yes: AOF keeps what Redis holds');
    if (!['everysec', 'always'].includes(option('--appendfsync') ?? '')) {
      report(`${key}.command`, 'no --appendfsync everysec (or always)');
    }
    if (!option('--requirepass')) report(`${key}.command`, 'no --requirepass');
    if (option('--protected-mode') === 'no') report(`${key}.command`, '--protected-mode no');
    const volumes = Array.isArray(service.tree.volumes) ? service.tree.volumes.map(String) : [];
    if (!volumes.some((volume) => namedVolumes.includes(volume.split(':')[0]!) && volume.split(':')[1] === '/data')) {
      report(`${key}.volumes`, 'expected a named volume at /data, where the AOF lives');
    }
    const test = tree(service.tree.healthcheck).test;
    if (!Array.isArray(test) || !test.join(' ').includes('redis-cli') || !service.environment.REDISCLI_AUTH) {
      report(`${key}.healthcheck.test`, 'expected redis-cli with the password (REDISCLI_AUTH)');
    }
  }
}

function gateways(services: readonly Service[], report: Report): void {
  const gatewayServices = services.filter((s) => s.packetflow === 'gateway');
  const called = services.filter((s) => s.packetflow !== undefined && s.packetflow !== 'gateway');
  const addresses = new Map<string, string>();
  for (const gateway of gatewayServices) {
    const key = `services.${gateway.name}`;
    const dependsOn = tree(gateway.tree.depends_on);
    for (const service of called) {
      if (tree(dependsOn[service.name]).condition !== 'service_healthy') {
        report(`${key}.depends_on.${service.name}`, 'missing: a gateway calls every service, so it waits for them');
      }
    }
    const address = gateway.environment.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS ?? '';
    const variable = `${key}.environment.PACKETFLOW_GATEWAY_PUBLIC_ADDRESS`;
    const other = addresses.get(address);
    if (other !== undefined) report(variable, `${address} is ${other}'s too: Colyseus would send clients there`);
    addresses.set(address, gateway.name);
    const port = /:(\d+)$/.exec(address)?.[1];
    const listening = gateway.environment.PACKETFLOW_GATEWAY_PORT ?? '2567';
    const publishedHere = ports(gateway.tree.ports)
      .filter((p) => p.target === listening)
      .map((p) => p.published);
    if (port === undefined || !publishedHere.includes(port)) {
      report(variable, `${address}: its port is not the one this gateway's ${listening} is published at`);
    }
  }
}

/** Only players' doors are opened on the host: the cluster's links are not encrypted (PROTOCOL.md §7). */
function published(services: readonly Service[], report: Report): void {
  for (const service of services) {
    if (ports(service.tree.ports).length === 0 || service.packetflow === 'gateway') continue;
    if (service.name === 'grafana' && ports(service.tree.ports).every((p) => p.hostIp === '127.0.0.1')) continue;
    report(`services.${service.name}.ports`, 'published: only the gateways (and Grafana, on loopback) may be');
  }
}

function monitoring(services: readonly Service[], projectDirectory: string, report: Report): void {
  for (const service of services) {
    const profiles = Array.isArray(service.tree.profiles) ? service.tree.profiles : [];
    const monitored = service.name in MONITORING_MOUNTS;
    if (monitored && !(profiles.length === 1 && profiles[0] === 'monitoring')) {
      report(`services.${service.name}.profiles`, 'expected [monitoring]');
    }
    if (!monitored && profiles.length > 0) {
      report(`services.${service.name}.profiles`, 'the backend runs without a profile');
    }
  }
  for (const [name, mounts] of Object.entries(MONITORING_MOUNTS)) {
    const service = services.find((s) => s.name === name);
    if (service === undefined) {
      report(`services.${name}`, 'missing from the monitoring profile');
      continue;
    }
    const volumes = (Array.isArray(service.tree.volumes) ? service.tree.volumes : []).map(String);
    for (const [target, source] of Object.entries(mounts)) {
      if (!volumes.some((volume) => volume === `${source}:${target}:ro` || volume === `${source}:${target}`)) {
        report(`services.${name}.volumes`, `expected ${source} mounted at ${target}`);
      }
      if (!existsSync(resolve(projectDirectory, source))) {
        report(`services.${name}.volumes`, `${source} does not exist in ${projectDirectory}`);
      }
    }
  }
  scrapedByName(services, projectDirectory, report);
}

/**
 * Prometheus finds each service's replicas by a DNS name (prometheus/prometheus.yml): that name must answer with
 * every container of that PacketFlow service (its service name or a network alias), and with nothing else.
 */
function scrapedByName(services: readonly Service[], projectDirectory: string, report: Report): void {
  const file = resolve(projectDirectory, 'prometheus/prometheus.yml');
  if (!existsSync(file)) return;
  const config = parse(readFileSync(file, 'utf8')) as {
    scrape_configs: { job_name: string; dns_sd_configs?: { names: string[] }[] }[];
  };
  for (const job of config.scrape_configs) {
    for (const name of (job.dns_sd_configs ?? []).flatMap((sd) => sd.names)) {
      const answering = services.filter((s) => s.name === name || aliases(s).includes(name)).map((s) => s.name);
      const expected = services.filter((s) => s.packetflow === job.job_name).map((s) => s.name);
      if (answering.join() !== expected.join()) {
        report(
          `services (prometheus job ${job.job_name})`,
          `DNS name ${name} answers for [${answering.join(', ')}], expected [${expected.join(', ')}]: give them a network alias`,
        );
      }
    }
  }
}

function aliases(service: Service): string[] {
  return Object.values(tree(service.tree.networks)).flatMap((network) => {
    const list = tree(network).aliases;
    return Array.isArray(list) ? list.map(String) : [];
  });
}

interface PortMapping {
  readonly hostIp: string | undefined;
  readonly published: string | undefined;
  readonly target: string;
}

function ports(value: unknown): PortMapping[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry): PortMapping => {
    if (typeof entry === 'object' && entry !== null) {
      const long = entry as Tree;
      return {
        hostIp: long.host_ip === undefined ? undefined : String(long.host_ip),
        published: long.published === undefined ? undefined : String(long.published),
        target: String(long.target),
      };
    }
    const parts = String(entry)
      .replace(/\/\w+$/, '')
      .split(':');
    const target = parts.pop()!;
    const published = parts.pop();
    return { hostIp: parts.length > 0 ? parts.join(':') : undefined, published, target };
  });
}

function tree(value: unknown): Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Tree) : {};
}
