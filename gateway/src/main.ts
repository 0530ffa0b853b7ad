// The gateway service: a cluster member that hosts no actor kind of its own, only the pinned actors of its rooms,
// and the Colyseus server players connect to (see serve.ts).
import { serveGateway } from './serve.js';

await serveGateway();
