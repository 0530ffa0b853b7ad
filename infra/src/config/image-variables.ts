import { ALWAYS, type EnvVariable } from '@packetflow/actors';
import { IMAGE_SERVICES } from '../docker/runtime-packages.js';

/**
 * The variables the image's own scripts read (infra/docker/start-service.sh, its entry point, and healthcheck.mjs,
 * its HEALTHCHECK), which every container of it needs whatever service it runs.
 */
export const IMAGE_VARIABLES: readonly EnvVariable[] = [
  {
    name: 'PACKETFLOW_SERVICE',
    readBy: "the image's entry point (infra/docker/start-service.sh)",
    required: ALWAYS,
    description: `the service the container runs: ${Object.keys(IMAGE_SERVICES).join(', ')}`,
  },
  {
    name: 'PACKETFLOW_ADMIN_PORT',
    readBy: "the image's HEALTHCHECK (infra/docker/healthcheck.mjs)",
    required: ALWAYS,
    default: '9464',
    description: "the admin endpoint's port, whose /readyz the HEALTHCHECK asks; the image sets it",
  },
];
