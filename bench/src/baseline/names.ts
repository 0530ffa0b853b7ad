// Names shared by the baseline server and its bots, in a module of their own so bots never load @colyseus/core.
export const BASELINE_ROOM = 'baseline';
/** Clients send `{ seq, tick, mx, my, buttons }` under this msgpack message type. */
export const INPUT_MESSAGE = 'input';
