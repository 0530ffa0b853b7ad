export { DEFAULTS, type GatewayConfig, GatewayConfigError, loadConfig } from './config.js';
export { GATEWAY_VARIABLES } from './config-variables.js';
export {
  backend,
  type Gateway,
  type GatewayOptions,
  gatewayRegistry,
  nativeBuild,
  startGateway,
} from './gateway.js';
export { InputGuard, type InputLimits, InputStream, type InputVerdict } from './input/input-guard.js';
export {
  CUT_OFF_CODES,
  GatewayMetrics,
  gatewayMetrics,
  type HttpRoute,
  INPUT_REFUSAL_CODES,
  INPUT_TO_SNAPSHOT_BUCKETS,
  JOIN_FAILURE_CODES,
  type MeteredRoom,
} from './metrics/gateway-metrics.js';
export { type JoinOptions, MatchRoom, type MatchRoomDeps, matchRoomType } from './rooms/match-room.js';
export { MATCH_KIND, ROOM_KIND, type RoomPort, roomActorBehavior } from './rooms/room-actor.js';
export { type ServeOptions, serveGateway } from './serve.js';
export {
  type IssuedToken,
  issueGuestToken,
  MAX_TOKEN_LENGTH,
  type TokenCheck,
  type TokenClaims,
  verifyToken,
} from './token.js';
