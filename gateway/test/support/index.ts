// The gateway's test support, for the tests of packages in front of it (the client SDK): the whole backend in one
// process with the real gateway, the gateway as a process of its own, or every service a process on a real Redis
// with one or two gateways. Not part of the gateway's runtime API.

export { type GatewayProcessBackend, gatewayProcessBackend } from './gateway-process.js';
export { type InProcessBackend, inProcessBackend, LogLines, TEST_SECRET } from './in-process-backend.js';
export { type GatewayAddresses, type GatewayId, type MemberId, RedisCluster } from './redis-cluster.js';
