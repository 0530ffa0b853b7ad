// `npm start`: the whole backend on this machine on its embedded defaults, and the browser demo beside it, until
// Ctrl-C.
import { startBackend } from './backend.js';
import type { LogLine } from './service-process.js';
import { DEFAULT_WEB_PORT, serveWebDemo } from './web-server.js';

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

function webPortFromEnv(): number {
  const value = process.env.PACKETFLOW_WEB_PORT;
  if (value === undefined || value === '') return DEFAULT_WEB_PORT;
  const port = Number(value);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    console.error(`PACKETFLOW_WEB_PORT must be a port number 0–65535, got ${JSON.stringify(value)}`);
    process.exit(1);
  }
  return port;
}

const webPort = webPortFromEnv();
const port = process.env.PACKETFLOW_GATEWAY_PORT;
const backend = await startBackend({
  ...(port ? { gatewayPort: Number(port) } : {}),
  onLine: print,
}).catch((error: unknown) => {
  console.error(`PacketFlow did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

const web = await serveWebDemo({ port: webPort, gatewayUrl: backend.url });

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping PacketFlow…');
  Promise.all([web.server?.close(), backend.stop()]).then(
    () => process.exit(code),
    () => process.exit(1),
  );
};
for (const child of backend.processes) {
  child.exited.then((exitCode) => {
    if (stopping) return;
    console.error(`${child.name} exited unexpectedly (code ${exitCode}); stopping the rest`);
    stop(1);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

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
