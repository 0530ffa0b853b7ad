// Line charts as inline SVG, so that a report is one file that opens anywhere without a network.

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** [seconds, value] */
  readonly points: readonly (readonly [number, number])[];
}

export interface Chart {
  readonly title: string;
  /** Appended to axis labels: "ms", "/s". */
  readonly unit: string;
  readonly series: readonly ChartSeries[];
  /** The run's length in seconds: every chart of a report spans the same time. */
  readonly seconds: number;
}

const WIDTH = 760;
const HEIGHT = 220;
const LEFT = 58;
const RIGHT = 12;
const TOP = 28;
const BOTTOM = 30;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A round step for about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  return step;
}

function label(value: number): string {
  if (value >= 1_000_000) return `${Number.parseFloat((value / 1_000_000).toFixed(1))}M`;
  if (value >= 10_000) return `${Number.parseFloat((value / 1000).toFixed(1))}k`;
  return String(Number.parseFloat(value.toFixed(2)));
}

function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}` : `${s}s`;
}

export function lineChart(chart: Chart): string {
  const all = chart.series.flatMap((s) => s.points);
  const maxT = Math.max(1, chart.seconds);
  const maxV = Math.max(1e-9, ...all.map(([, v]) => v));
  const yStep = niceStep(maxV, 4);
  const yTop = Math.ceil(maxV / yStep) * yStep;
  const xStep = niceStep(maxT, 8);
  const x = (t: number) => LEFT + (t / maxT) * (WIDTH - LEFT - RIGHT);
  const y = (v: number) => TOP + (1 - v / yTop) * (HEIGHT - TOP - BOTTOM);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeXml(chart.title)}">`,
    `<text x="${LEFT}" y="16" class="title">${escapeXml(chart.title)}</text>`,
  ];
  for (let v = 0; v <= yTop + 1e-9; v += yStep) {
    parts.push(
      `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
      `<text x="${LEFT - 6}" y="${(y(v) + 4).toFixed(1)}" class="axis" text-anchor="end">${label(v)}${escapeXml(chart.unit)}</text>`,
    );
  }
  for (let t = 0; t <= maxT + 1e-9; t += xStep) {
    parts.push(`<text x="${x(t).toFixed(1)}" y="${HEIGHT - 10}" class="axis" text-anchor="middle">${clock(t)}</text>`);
  }
  let legendX = WIDTH - RIGHT;
  for (const series of [...chart.series].reverse()) {
    const text = escapeXml(series.name);
    legendX -= text.length * 7 + 22;
    parts.push(
      `<rect x="${legendX}" y="8" width="10" height="10" fill="${series.color}"/>`,
      `<text x="${legendX + 14}" y="17" class="legend">${text}</text>`,
    );
  }
  for (const series of chart.series) {
    if (series.points.length === 0) continue;
    const path = series.points
      .map(([t, v], i) => `${i === 0 ? 'M' : 'L'}${x(t).toFixed(1)},${y(v).toFixed(1)}`)
      .join('');
    parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="1.6"/>`);
  }
  if (all.length === 0) {
    parts.push(`<text x="${WIDTH / 2}" y="${HEIGHT / 2}" class="axis" text-anchor="middle">no samples</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
