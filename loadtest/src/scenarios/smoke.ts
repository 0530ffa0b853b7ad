// CI's check that the whole backend serves players: 50 virtual users for 20 seconds, two short sessions each.
import type { Options } from 'k6/options';
import { playMatch } from '../k6/match-session.js';
import { sessionSettings } from '../k6/settings.js';
import { baseThresholds } from '../k6/thresholds.js';

export const options: Options = {
  vus: 50,
  duration: '20s',
  thresholds: { ...baseThresholds(), iterations: ['count>=50'] },
};

const settings = sessionSettings({ sessionSeconds: 9 });

export default function (): Promise<void> {
  return playMatch(settings);
}
