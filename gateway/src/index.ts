export { DEFAULTS, type GatewayConfig, loadConfig } from './config.js';
export { backend, type Gateway, nativeBuild, startGateway } from './gateway.js';
export { ECHO_MESSAGE, INPUT_MESSAGE, MatchRoom, type MatchRoomOptions } from './match-room.js';
export {
  type IssuedToken,
  issueGuestToken,
  MAX_TOKEN_LENGTH,
  type TokenCheck,
  type TokenClaims,
  verifyToken,
} from './token.js';
