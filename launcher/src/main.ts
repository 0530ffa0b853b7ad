// `npm start`: the whole backend on this machine on its embedded defaults, and the browser demo beside it, until
// Ctrl-C. A service that dies is restarted (see supervision/supervisor.ts) until the restart budget runs out.
import { prettyFactory } from 'pino-pretty';
import { type Backend, startBackend } from './backend.js';
import { readLayout } from './layout-variable.js';
import { readLauncherPorts } from './port-variables.js';
import type { LogLine } from './service-process.js';
import { DEFAULT_RESTART_LIMITS } from './supervision/restart-budget.js';
import type { SupervisorEvent } from './supervision/supervisor.js';
import { serveWebDemo, type WebServer } from './web-server.js';

// Services write JSON lines; a person at the terminal reads them pretty, each line after the service's name.
const pretty = prettyFactory({
  colorize: process.stdout.isTTY === true,
  translateTime: 'HH:MM:ss.l',
  ignore: 'service,node',
  singleLine: true,
});

function print(line: LogLine): void {
  const out = line.stream === 'stderr' ? process.stderr : process.stdout;
  const prefix = line.service.padEnd(13);
  const text = line.json === undefined ? `${line.text}\n` : pretty(line.json);
  out.write(
    text
      .trimEnd()
      .split('\n')
      .map((row) => `${prefix}${row}\n`)
      .join(''),
  );
}

function how({ code, signal, notReady }: { code: number | null; signal: string | null; notReady?: string }): string {
  const ended = signal === null ? `exit code ${code}` : `killed by ${signal}`;
  return notReady === undefined ? ended : `${ended}, stopped for not starting: ${notReady}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function report(event: SupervisorEvent): void {
  switch (event.kind) {
    case 'died':
      console.error(
        `${event.child} (pid ${event.pid}) died (${how(event)}); restarting it in ${event.restartInMs} ms ` +
          `(restart ${event.restartsInWindow} of ${limits.maxRestarts} allowed in ${seconds(limits.periodMs)})`,
      );
      return;
    case 'restarted':
      console.error(`${event.child} restarted: pid ${event.pid}`);
      return;
    case 'recovered':
      console.error(`${event.child} (pid ${event.pid}) is up again, ${seconds(event.downMs)} after it died`);
      return;
    case 'gave-up':
      console.error(
        `${event.child} (pid ${event.pid}) died (${how(event)}) and the restart budget is exhausted ` +
          `(${limits.maxRestarts} restarts in ${seconds(limits.periodMs)}); stopping the rest of PacketFlow`,
      );
      stop(1);
      return;
  }
}

const settings = readLauncherPorts(process.env);
const layout = readLayout(process.env);
if (!settings.ok || !layout.ok) {
  const problems = [...(settings.ok ? [] : settings.problems), ...(layout.ok ? [] : [layout.problem])];
  for (const problem of problems) console.error(`PacketFlow did not start: ${problem}`);
  process.exit(1);
}
const { gatewayPort, webPort } = settings.ports;
const limits = DEFAULT_RESTART_LIMITS;

let running: { readonly backend: Backend; readonly web: WebServer | undefined } | undefined;
let exitCode: number | undefined;

function shutDown({ backend, web }: NonNullable<typeof running>, code: number): void {
  Promise.all([web?.close(), backend.stop()]).then(
    () => process.exit(code),
    () => process.exit(1),
  );
}

function stop(code: number): void {
  if (exitCode !== undefined) return;
  exitCode = code;
  console.log('\nstopping PacketFlow…');
  // While the services are still starting, the stop waits for them: a half-started cluster is stopped in order too.
  if (running !== undefined) shutDown(running, code);
}

function onSignal(): void {
  if (exitCode === undefined) {
    stop(0);
    return;
  }
  // A second Ctrl-C is a person who will not wait; the exit hook in service-process.ts still kills every service.
  console.error('second signal: exiting without waiting for the services to stop');
  process.exit(1);
}
// Before the first service starts: the services run in their own process groups, so a Ctrl-C that killed the
// launcher by default would leave them running.
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const backend = await startBackend({
  ...(gatewayPort === undefined ? {} : { gatewayPort }),
  layout: layout.layout,
  leaderboard: true,
  onLine: print,
  supervision: { limits, onEvent: report },
}).catch((error: unknown) => {
  console.error(`PacketFlow did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const web = await serveWebDemo({ port: webPort, gatewayUrl: backend.url });
running = { backend, web: web.server };

if (exitCode === undefined) {
  const ws = backend.url.replace(/^http/, 'ws');
  console.log(
    [
      '',
      `PacketFlow is running: ${backend.processes
        .map((p) => {
          const admin = backend.admins.find((a) => a.nodeId === p.name);
          return `${p.name} (pid ${p.pid}) ${admin === undefined ? 'no admin endpoint' : `${admin.url}/metrics`}`;
        })
        .join(', ')}`,
      `  clients connect to  ${ws}   (Colyseus room "match"; guest tokens: POST ${backend.url}/auth/guest)`,
      web.line,
      `  ${backend.leaderboardOff ?? `leaderboard         GET ${backend.url}/leaderboard?mode=touch   (Python)`}`,
      `  a service that dies is restarted (at most ${limits.maxRestarts} in ${seconds(limits.periodMs)})`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} else {
  shutDown(running, exitCode);
}
