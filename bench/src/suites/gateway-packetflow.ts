// The PacketFlow half of the gateway suite: the whole backend as `npm start` runs it (gateway, game-logic, physics,
// player-store: four processes on this machine), driven by bots on the client SDK with the procedure the baseline
// half uses.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, type Layout, startBackend } from '@packetflow/launcher';
import { LOOPBACK_BOTS, packetflowDriver } from '../swarm/packetflow-driver.js';
import type { SwarmTarget } from '../swarm/procedure.js';
import { DEFAULT_INPUT_RATE } from '../swarm/swarm.js';

export const PACKETFLOW_SETUP =
  'PacketFlow: the gateway (Colyseus 0.18 on native uWebSockets.js, rooms of ≤ 8 players) with game-logic ' +
  '(30 Hz matches, a checkpoint a second), physics (Rapier, 8 players + 32 props per match) and player-store ' +
  `(LMDB) in one cluster on this machine; bots on @packetflow/client joinOrCreate, ${DEFAULT_INPUT_RATE} ` +
  'FlatBuffers inputs/s each (timers at random phases), headless (no interpolation buffer, as the Colyseus SDK ' +
  'keeps none), acks read from each decoded snapshot';

/**
 * A fresh backend per measurement, on a data directory of its own. `memoryOf` picks the processes whose memory is
 * measured: the gateway alone for the memory figure, every process for CPU. `execArgv`: Node flags for every
 * service process, e.g. --cpu-prof.
 */
export async function withPacketflowBackend<T>(
  processes: number,
  run: (target: SwarmTarget, backend: Backend) => Promise<T>,
  memoryOf: 'gateway' | 'all' = 'all',
  layout: Layout = 'separate',
  execArgv: readonly string[] = [],
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-packetflow-'));
  const backend = await startBackend({ gatewayPort: 0, dataDir, layout, env: LOOPBACK_BOTS, execArgv });
  try {
    const pids =
      memoryOf === 'gateway' ? [backend.process('gateway').pid] : backend.processes.map((child) => child.pid);
    return await run(
      { driver: packetflowDriver, endpoint: backend.url, serverPids: pids, processes, inputRate: DEFAULT_INPUT_RATE },
      backend,
    );
  } finally {
    await backend.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
