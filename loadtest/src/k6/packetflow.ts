// What a scenario imports: the match session a virtual user plays, its settings and the shared thresholds. The
// bundler makes this one library module beside the scenarios (dist/lib/packetflow.js), so that the runner's virtual
// users share its code: a scenario module is evaluated once per virtual user, and code evaluated hundreds of times
// over is compiled and optimised hundreds of times over.
export { playMatch, type SessionObserver } from './match-session.js';
export { countFromEnv, durationFromEnv, type SessionSettings, sessionSettings } from './settings.js';
export { baseThresholds } from './thresholds.js';
