import type { Figure } from '../report.js';

export async function protocolSuite(_report: (figure: Figure) => void): Promise<void> {}
