import type { Figure } from '../report.js';
import { actorSuite } from './actors.js';
import { clusterSuite } from './cluster.js';
import { cpuSuite } from './cpu.js';
import { gameLogicSuite } from './game-logic.js';
import { gatewaySuite } from './gateway.js';
import { hostsSuite } from './hosts.js';
import { physicsSuite } from './physics.js';
import { playerStoreSuite } from './player-store.js';
import { protocolSuite } from './protocol.js';
import { pythonSuite } from './python.js';

/** Flags of `npm run bench` that suites read; a suite that has no use for one ignores it. */
export interface SuiteOptions {
  /** `--profile`: take a CPU profile of each server process and print where its time went. */
  profile: boolean;
  /** `--perf`: sample each server process with Linux perf, kernel and native code included, and print by category. */
  perf: boolean;
}

export const SUITE_FLAGS = ['--profile', '--perf'] as const;

export type Suite = (report: (figure: Figure) => void, options: SuiteOptions) => Promise<void>;

export const suites: Record<string, Suite> = {
  actors: actorSuite,
  cluster: clusterSuite,
  cpu: cpuSuite,
  'game-logic': gameLogicSuite,
  gateway: gatewaySuite,
  hosts: hostsSuite,
  physics: physicsSuite,
  'player-store': playerStoreSuite,
  protocol: protocolSuite,
  python: pythonSuite,
};

export const suiteNames = Object.keys(suites);
