/**
 * The examples as one module: every workflow exported here is registered by
 * `baton dev --workflows examples/index.ts`, every webhook is served at POST /hooks/:name, and `demo`
 * is what `--demo` runs. The AI examples call the model BATON_AI_MODEL names, or Baton's local
 * scripted model server when it is unset (see ai-model.ts).
 */
import { useExampleModel } from './ai-model.js';

/** The model the AI examples call in this process; `close()` stops the local scripted server if it runs. */
export const exampleModel = useExampleModel();

export { invoiceApproval } from './invoice-approval/workflow.js';
export { customerOnboarding } from './customer-onboarding/workflow.js';
export { signupWebhook } from './customer-onboarding/webhook.js';
export { orderFulfilment } from './order-fulfilment/workflow.js';
export { dailyDigest } from './daily-digest/workflow.js';
export { supportTriage } from './support-triage/workflow.js';
export { contentPipeline } from './content-pipeline/workflow.js';
export { knowledgeAnswer } from './knowledge-base/workflow.js';
export { demo } from './demo.js';
export type { DemoOptions } from './demo.js';
