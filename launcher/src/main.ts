// `npm start`: the whole backend on this machine on its embedded defaults, and the browser demo beside it, until
// Ctrl-C.
import { type Backend, startBackend } from './backend.js';
import { readLauncherPorts } from './port-variables.js';
import type { LogLine } from './service-process.js';
import { serveWebDemo, type WebServer } from './web-server.js';

function print(line: LogLine): void {
  const out = line.stream === 'stderr' ? process.stderr : process.stdout;
  if (line.json === undefined) {
    out.write(`${line.service.padEnd(13)}${line.text}\n`);
    return;
  }
  const { time: _time, level, msg, ...fields } = line.json;
  const rest = Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
  out.write(`${line.service.padEnd(13)}${level === 'info' ? '' : `${String(level).toUpperCase()} `}${msg}${rest}\n`);
}

const settings = readLauncherPorts(process.env);
if (!settings.ok) {
  for (const problem of settings.problems) console.error(`PacketFlow did not start: ${problem}`);
  process.exit(1);
}
const { gatewayPort, webPort } = settings.ports;

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
  onLine: print,
}).catch((error: unknown) => {
  console.error(`PacketFlow did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
const web = await serveWebDemo({ port: webPort, gatewayUrl: backend.url });
running = { backend, web: web.server };

for (const child of backend.processes) {
  child.exited.then((code) => {
    if (exitCode !== undefined) return;
    const how = child.exitSignal === null ? `exit code ${code}` : `killed by ${child.exitSignal}`;
    console.error(`${child.name} (pid ${child.pid}) exited unexpectedly (${how}); stopping the rest of PacketFlow`);
    stop(1);
  });
}

if (exitCode === undefined) {
  const ws = backend.url.replace(/^http/, 'ws');
  console.log(
    [
      '',
      `PacketFlow is running: ${backend.processes.map((p) => `${p.name} (pid ${p.pid})`).join(', ')}`,
      `  clients connect to  ${ws}   (Colyseus room "match"; guest tokens: POST ${backend.url}/auth/guest)`,
      web.line,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
} else {
  shutDown(running, exitCode);
}
