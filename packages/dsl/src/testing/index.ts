/**
 * @baton/dsl/testing: Baton's offline planning model. `plannerResponder` answers the planner's
 * requests on @baton/ai's scripted model server with definitions written by fixed rules from the
 * paragraph and the catalog (no model involved), and every other request like demoResponder.
 */
export { plannerResponder, plannerReply, plannerAnswer, plannedDefinition } from './planner-responder.js';
export { readParagraph } from './paragraph-reading.js';
export { writeDefinition, APPROVAL_FORM, PLANNER_NOTE } from './definition-writer.js';
export type { ProcessOutline, PlannedStep, StepAction, Condition, ConditionSubject, InputField, InlineDuration } from './process-outline.js';
