// `npm run build`'s last step: every scenario bundled for k6 under dist/.
import { bundleScenario, scenarioNames } from './bundle.js';

for (const name of scenarioNames()) console.log(`bundled ${await bundleScenario(name)}`);
