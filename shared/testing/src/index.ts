export { freePort } from './free-port.js';
export { metricSample, type SampleOptions } from './metric-sample.js';
export { binaryFrame, NetworkProxy } from './network-proxy.js';
export { RedisServer } from './redis-server.js';
export {
  packetflowCacheDir,
  spawnInRoot,
  TRIXIE_NODE_VERSION,
  type TrixieRoot,
  trixieRoot,
  trixieRootUnavailable,
} from './trixie-root.js';
