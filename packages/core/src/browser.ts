/**
 * @baton/core/browser: the part of core that runs in a browser (no node: modules): the errors with
 * their stable codes and the typed-JSON payload codec. The dashboard and the HTTP API client use it.
 */
export { BatonError, TerminalError, ErrorCode, isBatonError, hasErrorCode, isTerminalError, errorMessage } from './errors/errors.js';
export type { BatonErrorOptions } from './errors/errors.js';
export { PayloadCodec, defaultPayloadCodec, DEFAULT_MAX_PAYLOAD_BYTES } from './payload/payload-codec.js';
export type { PayloadCodecOptions } from './payload/payload-codec.js';
export type { Role } from './auth/api-keys.js';
