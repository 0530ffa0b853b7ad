export { RedisServer } from './redis-server.js';
