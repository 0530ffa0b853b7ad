import type { Figure } from '../report.js';

export async function actorSuite(_report: (figure: Figure) => void): Promise<void> {}
