// The gateway: Colyseus on the uWebSockets.js transport, over the native build that @packetflow/uws loaded, with a
// `match` room per match bridged to the match's actor through the actor system it is given.

import { backend, nativeBuild } from 'uWebSockets.js';
import { defineRoom, defineServer, type Server } from '@colyseus/core';
import { type ActorSystem, type Cluster, createLogger, type Logger } from '@packetflow/actors';
import { playerRegistry } from '@packetflow/player-store';
import { ClientMessage, createProtocolRegistry, MATCH_ROOM, type MessageRegistry } from '@packetflow/protocol';
import { Registry } from 'prom-client';
import { colyseusLogger } from './colyseus-logger.js';
import type { GatewayConfig } from './config.js';
import { leaderboardRoute } from './http/leaderboard-route.js';
import { RequestGuard } from './http/request-guard.js';
import { type GatewayMetrics, gatewayMetrics } from './metrics/gateway-metrics.js';
import { GoneGateways } from './redis/gone-gateways.js';
import { redisMatchmaking } from './redis/redis-matchmaking.js';
import { RedisOutages } from './redis/redis-outages.js';
import { InputPacer } from './rooms/input-pacer.js';
import { matchRoomType } from './rooms/match-room.js';
import { MATCH_KIND, ROOM_KIND, roomActorBehavior } from './rooms/room-actor.js';
import { issueGuestToken } from './token.js';
import { BoundTransport } from './transport/bound-transport.js';
import { acceptEndedExpressResponses } from './transport/express-abort.js';
import { ensureGlobalWebSocket } from './transport/global-websocket.js';
import { InputFastPath } from './transport/input-fast-path.js';

export { backend, nativeBuild };

/**
 * Every message the gateway encodes or decodes: the protocol's and the player store's. Snapshots pass through:
 * verified when they arrive from the match, then broadcast to the room's clients as the very bytes they came in.
 */
export function gatewayRegistry(): MessageRegistry {
  return playerRegistry(createProtocolRegistry()).passThrough('Snapshot');
}

export interface Gateway {
  readonly server: Server;
  /** The port the gateway listens on (the chosen one when the config said 0). */
  readonly port: number;
  /** Disconnects every client (each leaves its match and its stats are written), then stops listening. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The actor system rooms reach matches and players through: a cluster member, or one hosting them itself. */
  readonly system: ActorSystem;
  /** `gatewayRegistry()` unless set. */
  readonly registry?: MessageRegistry;
  /** JSON lines on stdout and stderr unless set. */
  readonly logger?: Logger;
  /**
   * The gateway's metrics, made with `gatewayMetrics(node.metrics)` in the node's registry (main.ts does); in a
   * registry of their own, which nothing serves, unless set.
   */
  readonly metrics?: GatewayMetrics;
  /**
   * The cluster `system` is a member of, whose `ownerOf` names the node a match runs on (rendezvous over the live
   * members, answered from its route cache): what rooms tell their clients as the match's host. Without one the
   * system is on its own and hosts the matches itself. With Redis, its live members also say which gateways are
   * gone, whose rooms matchmaking then forgets at once (see GoneGateways).
   */
  readonly cluster?: Pick<Cluster, 'ownerOf' | 'nodeId' | 'liveMembers'>;
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? createLogger({ service: 'gateway' });
  // @packetflow/uws throws at import when no native build loads, unless its pure-JS fallback was allowed.
  if (!nativeBuild.fallback && !nativeBuild.file.endsWith('.node')) {
    throw new Error(`uWebSockets.js is not a native build: ${backend}`);
  }
  if (nativeBuild.fallback) logger.warn('uWebSockets.js is the pure-JS fallback: many times slower', { backend });
  ensureGlobalWebSocket();
  acceptEndedExpressResponses();
  const registry = options.registry ?? gatewayRegistry();
  const metrics = options.metrics ?? gatewayMetrics(new Registry());
  const { system, cluster } = options;
  system.register(ROOM_KIND, roomActorBehavior({ serviceTimeoutMs: config.serviceTimeoutMs }));
  const statsWrites = new Set<Promise<unknown>>();
  const inputs = new InputPacer((to, message) => system.tell(to, message), config.inputFlushMs);
  const hostOf =
    cluster === undefined ? () => system.nodeId : (matchId: string) => cluster.ownerOf(MATCH_KIND, matchId);

  const outages = config.redisUrl === undefined ? undefined : new RedisOutages(logger);
  const inputRoutes = new InputFastPath(ClientMessage.Input);
  metrics.countInputPaths(inputRoutes, inputs);
  const transport = new BoundTransport(
    { maxPayloadLength: config.maxPayloadBytes },
    config.host,
    new RequestGuard(config, metrics, () => outages !== undefined && !outages.reachable),
    inputRoutes,
  );
  const shared =
    config.redisUrl === undefined || outages === undefined ? {} : redisMatchmaking(config.redisUrl, outages);
  // Made once Colyseus has set up (its process id); reservations before that have no gone gateway to wait for.
  let gone: GoneGateways | undefined;
  const gatewaysSettled = (): Promise<void> => gone?.settled() ?? Promise.resolve();
  const server = defineServer({
    transport,
    ...shared,
    logger: colyseusLogger(logger),
    ...(config.publicAddress === undefined ? {} : { publicAddress: config.publicAddress }),
    gracefullyShutdown: false,
    greet: false,
    rooms: {
      [MATCH_ROOM]: defineRoom(
        matchRoomType({
          system,
          registry,
          config,
          logger,
          metrics,
          publisher: transport.app,
          inputs,
          inputRoutes,
          hostOf,
          statsWrites,
          gatewaysSettled,
        }),
        // Players of one mode together: a reservation names its mode (the room's onAuth gives one to any that
        // does not), and joinOrCreate picks or makes a room of that mode.
      ).filterBy(['mode']),
    },
    express: (app) => {
      app.post('/auth/guest', (_req, res) => {
        const issued = issueGuestToken(config.tokenSecret, config.guestTokenTtlMs);
        res.json({ token: issued.token, playerId: issued.playerId, expiresAt: issued.expiresAt });
      });
      app.get('/leaderboard', leaderboardRoute(config, system, logger));
    },
  });
  await server.listen(config.port);
  if (config.redisUrl !== undefined && cluster !== undefined) {
    gone = new GoneGateways(cluster, logger);
    await gone.start();
  }
  const port = transport.port;
  logger.info('gateway listening', {
    url: `ws://${config.host}:${port}`,
    uWebSockets: backend,
    matchmaking: config.redisUrl === undefined ? 'local' : 'redis',
    ...(config.publicAddress === undefined ? {} : { publicAddress: config.publicAddress }),
  });
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    close: () => {
      // The players' stats writes outlive their rooms; the actor system they need stops after this.
      outages?.close();
      gone?.close();
      closing ??= server.gracefullyShutdown(false).then(async () => {
        inputs.flush();
        await Promise.all(statsWrites);
      });
      return closing;
    },
  };
}
