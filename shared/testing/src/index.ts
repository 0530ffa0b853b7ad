export { freePort } from './free-port.js';
export { binaryFrame, NetworkProxy } from './network-proxy.js';
export { RedisServer } from './redis-server.js';
