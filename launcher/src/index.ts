export { type Backend, type BackendOptions, type GatewayAddress, startBackend } from './backend.js';
export { type LogLine, ServiceProcess } from './service-process.js';
export { LAYOUTS, type Layout, type ServiceName, type ServiceSpec } from './services.js';
