// `import uWS from 'uWebSockets.js'` and `import { App } from 'uWebSockets.js'` both work: the default export is the
// namespace of ./api.js, so `uWS.App()` calls the native function and `uWS.TemplatedApp` names its type.
import * as uws from './api.js';

export * from './api.js';
export { UWS_VARIABLES } from './variables.js';
export default uws;
