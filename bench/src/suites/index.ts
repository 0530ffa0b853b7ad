import type { Figure } from '../report.js';
import { actorSuite } from './actors.js';
import { protocolSuite } from './protocol.js';

export type Suite = (report: (figure: Figure) => void) => Promise<void>;

export const suites: Record<string, Suite> = {
  actors: actorSuite,
  protocol: protocolSuite,
};

export const suiteNames = Object.keys(suites);
