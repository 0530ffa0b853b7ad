// `npm run build`'s last step: every scenario bundled for k6 under dist/, with the library they share.
import { bundleScenarios } from './bundle.js';

for (const path of await bundleScenarios()) console.log(`bundled ${path}`);
