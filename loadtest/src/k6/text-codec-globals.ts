// Injected into every k6 bundle in place of the TextEncoder and TextDecoder globals, which k6 does not have.
export { TextDecoder, TextEncoder } from '../codec/utf8.js';
