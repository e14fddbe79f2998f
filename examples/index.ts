/**
 * The examples as one module: every workflow exported here is registered by
 * `baton dev --workflows examples/index.ts`, every webhook is served at POST /hooks/:name, and `demo`
 * is what `--demo` runs.
 */
export { invoiceApproval } from './invoice-approval/workflow.js';
export { customerOnboarding } from './customer-onboarding/workflow.js';
export { signupWebhook } from './customer-onboarding/webhook.js';
export { orderFulfilment } from './order-fulfilment/workflow.js';
export { dailyDigest } from './daily-digest/workflow.js';
export { demo } from './demo.js';
export type { DemoOptions } from './demo.js';
