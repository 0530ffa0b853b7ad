import { loadConfig } from './config.js';
import { startGateway } from './gateway.js';

const gateway = await startGateway(loadConfig());
const stop = (): void => {
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
