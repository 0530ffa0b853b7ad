export { freePort } from './free-port.js';
export { RedisServer } from './redis-server.js';
