// What the bots' host prints (one JSON object a line) and what it reads on stdin. `at` is on the clock every
// process of the machine shares (performance.timeOrigin + performance.now()), in ms.
export type BotEvent =
  | { e: 'ready'; at: number }
  | { e: 'joined'; bot: number; at: number; match: string; player: string; entity: number; host: string | undefined }
  /**
   * One snapshot: its server tick, the last input of this bot's entity the match applied, the host named then, and
   * for the first one of a match that resumed on another host, the tick it resumed from.
   */
  | { e: 'snap'; bot: number; at: number; tick: number; ack: number; host: string; resumed?: number }
  | { e: 'host'; bot: number; at: number; host: string }
  | { e: 'drop'; bot: number; at: number; code: number }
  | { e: 'reconnect'; bot: number; at: number }
  | { e: 'reseat'; bot: number; at: number; entity: number }
  | { e: 'error'; bot: number; at: number; code: number; message: string }
  | { e: 'leave'; bot: number; at: number; code: number }
  | { e: 'join-result'; id: number; at: number; ok: boolean; ms: number; message: string };

export type BotCommand = { cmd: 'join'; id: number } | { cmd: 'leave'; bot: number };
