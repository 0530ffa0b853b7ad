export {
  ClientCloseCode,
  ClientErrorCode,
  ClientMessage,
  DEFAULT_GAME_MODE,
  GAME_MODES,
  type GameMode,
  isGameMode,
  KING_ZONE,
  MATCH_ROOM,
} from '@packetflow/protocol';
export { type GatewayEndpoint, parseEndpoint } from './endpoint.js';
export { type AckResult, DEFAULT_MAX_PENDING, InputHistory, type PendingInput } from './input-history.js';
export {
  type InterpolatedFrame,
  InterpolationBuffer,
  type InterpolationOptions,
  slerp,
} from './interpolation-buffer.js';
export { checkInputSample, MatchCodec } from './match-codec.js';
export { type ConnectionSettings, MatchConnection, type Rejoiner } from './match-connection.js';
export {
  Buttons,
  type EntityState,
  type InputAck,
  type InputSample,
  type JoinInfo,
  type MatchSnapshot,
  type PlayerScore,
  type Pose,
  type Quat,
  type SnapshotPacket,
  type Vec2,
  type Vec3,
} from './match-types.js';
export {
  type GuestToken,
  type JoinOptions,
  PacketFlowClient,
  type PacketFlowClientOptions,
} from './packetflow-client.js';
export { PacketFlowError, SdkErrorCode } from './packetflow-error.js';
export type { ReconnectionSettings, RejoinSettings } from './reconnection-settings.js';
