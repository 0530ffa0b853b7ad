export * from './address.js';
export * from './message.js';
