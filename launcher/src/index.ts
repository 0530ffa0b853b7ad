export { type Backend, type BackendOptions, type GatewayAddress, startBackend } from './backend.js';
export { type LogLine, ServiceProcess } from './service-process.js';
export { LAYOUTS, type Layout, type ServiceName, type ServiceSpec } from './services.js';
export { DEFAULT_RESTART_LIMITS, type RestartLimits } from './supervision/restart-budget.js';
export {
  type Backoff,
  type ChildSpec,
  DEFAULT_BACKOFF,
  type SupervisedProcess,
  Supervisor,
  type SupervisorEvent,
  type SupervisorOptions,
} from './supervision/supervisor.js';
export {
  DEFAULT_WEB_PORT,
  serveWebDemo,
  startWebServer,
  WEB_DEMO_DIR,
  type WebDemoOptions,
  type WebServer,
  type WebServerOptions,
} from './web-server.js';
