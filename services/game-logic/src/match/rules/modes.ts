import type { GameMode } from '@packetflow/protocol';
import { kingOfTheZone } from './king-of-the-zone.js';
import type { MatchRule } from './match-rule.js';
import { touchScoring } from './touch-scoring.js';

/** Each mode's rules, made fresh for every match of the mode. */
export type ModeRules = Readonly<Record<string, () => readonly MatchRule[]>>;

/** The modes PacketFlow plays: `touch` (a point per prop touched) and `king` (a point a second alone in the zone). */
export const DEFAULT_MODE_RULES: Readonly<Record<GameMode, () => readonly MatchRule[]>> = Object.freeze({
  touch: () => [touchScoring()],
  king: () => [kingOfTheZone()],
});
