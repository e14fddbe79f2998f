/** @baton/ai/testing: a local model server speaking the providers' wire protocols, scripted per test. */
export { startScriptedModelServer, type RecordedRequest, type ScriptedModelServer, type ScriptedModelServerOptions } from './scripted-model-server.js';
export { demoResponder } from './demo-responder.js';
export { sampleFromSchema } from './json-schema-sample.js';
export {
  ModelProtocol,
  type DelayReply,
  type ErrorReply,
  type HangUpReply,
  type JsonSchema,
  type RawReply,
  type ReplyToolCall,
  type ReplyUsage,
  type ScriptedMessage,
  type ScriptedModelRequest,
  type ScriptedReply,
  type ScriptedResponder,
  type ScriptedTool,
  type ScriptedToolCall,
  type ScriptedToolChoice,
  type ScriptedToolResult,
  type TextReply,
  type ToolCallsReply,
} from './scripted-reply.js';
