import type { Figure } from '../report.js';
import { actorSuite } from './actors.js';
import { clusterSuite } from './cluster.js';
import { gameLogicSuite } from './game-logic.js';
import { gatewaySuite } from './gateway.js';
import { hostsSuite } from './hosts.js';
import { physicsSuite } from './physics.js';
import { playerStoreSuite } from './player-store.js';
import { protocolSuite } from './protocol.js';

export type Suite = (report: (figure: Figure) => void) => Promise<void>;

export const suites: Record<string, Suite> = {
  actors: actorSuite,
  cluster: clusterSuite,
  'game-logic': gameLogicSuite,
  gateway: gatewaySuite,
  hosts: hostsSuite,
  physics: physicsSuite,
  'player-store': playerStoreSuite,
  protocol: protocolSuite,
};

export const suiteNames = Object.keys(suites);
