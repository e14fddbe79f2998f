/** @baton/nats: a NATS JetStream bridge that turns messages on configured subjects into Baton events. */
export { NatsBridge } from './nats-bridge.js';
export type { NatsBridgeOptions, NatsBridgeStats, BridgedEvent } from './nats-bridge.js';
