// `npm run build`'s last step: every scenario bundled for k6 under dist/, with the library they share.
import { bundleScenario, scenarioNames } from './bundle.js';

for (const name of scenarioNames()) console.log(`bundled ${await bundleScenario(name)}`);
