/** The parts of a Grafana dashboard (JSON model) that provisioning and these checks rely on. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
}

export interface DataSourceRef {
  readonly type: string;
  readonly uid: string;
}

export interface Panel {
  readonly id: number;
  readonly title: string;
  readonly type: string;
  readonly datasource: DataSourceRef;
  /** A query's own datasource, when set, overrides its panel's. */
  readonly targets: readonly { readonly refId: string; readonly expr: string; readonly datasource?: DataSourceRef }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/**
 * What keeps `value` from being a dashboard Grafana provisions with every panel querying Prometheus; empty when
 * nothing does. Grafana publishes no JSON Schema of the dashboard model (@grafana/schema ships TypeScript types
 * only), so these are the checks that matter here: a provisioned dashboard is found by its uid, Grafana migrates it
 * from its schemaVersion, and panels share one id space (a duplicate makes Grafana drop or mix them up).
 */
export function dashboardProblems(value: unknown): string[] {
  if (!isRecord(value)) return ['not a JSON object'];
  const problems: string[] = [];
  if (!isText(value.title)) problems.push('no title');
  if (!isText(value.uid)) problems.push('no uid');
  if (!Number.isInteger(value.schemaVersion)) problems.push('no integer schemaVersion');
  if (!Array.isArray(value.panels) || value.panels.length === 0) return [...problems, 'no panels'];
  const ids = new Set<unknown>();
  for (const [index, panel] of value.panels.entries()) {
    if (!isRecord(panel)) {
      problems.push(`panels[${index}] is not an object`);
      continue;
    }
    const name = isText(panel.title) ? `panel "${panel.title}"` : `panels[${index}] (no title)`;
    if (!isText(panel.title)) problems.push(`${name}: no title`);
    if (!isText(panel.type)) problems.push(`${name}: no type`);
    if (!Number.isInteger(panel.id)) problems.push(`${name}: no integer id`);
    else if (ids.has(panel.id)) problems.push(`${name}: id ${panel.id} used twice`);
    ids.add(panel.id);
    if (!isRecord(panel.datasource) || !isText(panel.datasource.type) || !isText(panel.datasource.uid)) {
      problems.push(`${name}: no datasource with a type and uid`);
    }
    const targets = Array.isArray(panel.targets) ? panel.targets : [];
    if (targets.length === 0) problems.push(`${name}: no targets`);
    for (const [t, target] of targets.entries()) {
      if (!isRecord(target) || !isText(target.expr)) problems.push(`${name}: targets[${t}] has no expr`);
      else if (!isText(target.refId)) problems.push(`${name}: targets[${t}] has no refId`);
    }
  }
  return problems;
}
