// npm run variables -w @packetflow/infra: writes infra/VARIABLES.md from the catalogues.
import { writeFileSync } from 'node:fs';
import { infraFile } from '../paths.js';
import { VARIABLES_MD, variablesMarkdown } from './variables-md.js';

writeFileSync(infraFile(VARIABLES_MD), variablesMarkdown());
console.log(`wrote infra/${VARIABLES_MD}`);
