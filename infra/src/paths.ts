import { fileURLToPath } from 'node:url';

/** The infra folder: the configuration files sit beside the compiled code's `dist/`, not in it. */
const INFRA_DIR = new URL('../../', import.meta.url);

/** A file of the infra folder, e.g. `grafana/dashboards/packetflow.json`. */
export const infraFile = (relative: string): string => fileURLToPath(new URL(relative, INFRA_DIR));
