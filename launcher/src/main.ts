// `npm start`: the whole backend on this machine on its embedded defaults, until Ctrl-C.
import { startBackend } from './backend.js';
import type { LogLine } from './service-process.js';

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

const port = process.env.PACKETFLOW_GATEWAY_PORT;
const backend = await startBackend({
  ...(port ? { gatewayPort: Number(port) } : {}),
  onLine: print,
}).catch((error: unknown) => {
  console.error(`PacketFlow did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping PacketFlow…');
  backend.stop().then(
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
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
