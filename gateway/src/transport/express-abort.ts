// When a client goes away before its request to an express route (POST /auth/guest) is answered, upstream's
// transport marks the response ended with `response.writableEnded = true`. uwebsockets-express's ServerResponse
// inherits that property from http.OutgoingMessage as a getter only, so the assignment throws inside an AbortSignal
// listener: an uncaught exception, which ends the process. Any client could do it by cutting a request short.
import { ServerResponse } from 'uwebsockets-express';

/** Lets the assignment mean what upstream meant by it: the response is finished. */
export function acceptEndedExpressResponses(): void {
  Object.defineProperty(ServerResponse.prototype, 'writableEnded', {
    configurable: true,
    get(this: { finished: boolean }) {
      return this.finished;
    },
    set(this: { finished: boolean }, ended: boolean) {
      this.finished = ended;
    },
  });
}
