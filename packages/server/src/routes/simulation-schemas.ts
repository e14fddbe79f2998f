/**
 * The shapes of POST /api/simulations: the scenario a simulation is answered from (the route refuses
 * one of another shape with BATON_INVALID_SCENARIO) and the path the simulated run took.
 */
import { z } from '@hono/zod-openapi';
import { DefinitionIssueSchema } from './plans.js';
import { MAX_DEFINITION_TEXT } from './definition-graph.js';

/** A scenario the route cannot use: `details.fields` names each wrong field. */
export const INVALID_SCENARIO = 'BATON_INVALID_SCENARIO';

const DslErrorSchema = z
  .object({
    type: z.string().min(1).max(1000).optional(),
    status: z.number().int().min(100).max(599),
    title: z.string().max(10_000).optional(),
    detail: z.string().max(10_000).optional(),
  })
  .strict();

const ScenarioAnswerSchema = z
  .union([
    z
      .object({ output: z.unknown() })
      .strict()
      .refine((answer) => 'output' in answer, { message: 'An answer needs output (its value) or error.' }),
    z.object({ error: DslErrorSchema }).strict(),
  ])
  .openapi('ScenarioAnswer', { description: '`{ output }`: what the task answers; `{ error: { status, type?, title?, detail? } }`: the DSL error it raises' });

const Key = z.string().min(1).max(1000);

export const ScenarioSchema = z
  .object({
    tasks: z
      .record(Key, z.union([ScenarioAnswerSchema, z.array(ScenarioAnswerSchema).min(1).max(1000)]))
      .optional()
      .openapi({
        description:
          'Answers of calls and run tasks, by task name or JSON pointer (a pointer wins); a list answers successive calls in order, its last entry repeating. Tasks not named are answered from their output schemas',
      }),
    approvals: z
      .record(Key, z.unknown())
      .optional()
      .openapi({ description: "Approvals' answers (the signal's data), by task name, pointer or signal name; `*` answers any other" }),
    events: z
      .record(Key, z.array(z.unknown()).max(1000))
      .optional()
      .openapi({ description: 'Events a listen receives, by event type: each the data of one event' }),
  })
  .strict()
  .openapi('Scenario');

export const SimulationRequestSchema = z
  .object({
    definition: z.string().min(1).max(MAX_DEFINITION_TEXT).openapi({ description: 'The definition as YAML or JSON text' }),
    input: z.unknown().optional().openapi({ description: "The run's input (JSON)" }),
    scenario: ScenarioSchema.optional(),
  })
  .openapi('SimulationRequest');

const WorkflowErrorSchema = z
  .object({ type: z.string(), status: z.number(), title: z.string().optional(), detail: z.string().optional(), instance: z.string().optional() })
  .openapi('WorkflowError', { description: "The DSL's error object; `instance` is the JSON pointer of the task that raised it" });

export const SimulatedTaskSchema = z
  .object({
    reference: z.string().openapi({ description: "The task's JSON pointer" }),
    name: z.string(),
    kind: z.string().openapi({ description: 'call, baton.call, switch, for…' }),
    depth: z.number().int(),
    qualifier: z.string().openapi({ description: "'' or the loop/attempt qualifier (#2)" }),
    status: z.enum(['completed', 'skipped', 'faulted']),
    branch: z.string().optional().openapi({ description: 'A switch: the case taken, default or none' }),
    then: z.string().optional().openapi({ description: 'The flow directive taken after the task, when not continue' }),
    answeredBy: z.enum(['scenario', 'schema', 'default', 'model']).optional().openapi({ description: 'Where a simulated answer came from' }),
    output: z.unknown().optional(),
    error: WorkflowErrorSchema.optional(),
  })
  .openapi('SimulatedTask');

export const SimulationResultSchema = z
  .object({
    status: z.enum(['completed', 'faulted', 'invalid', 'stopped']).openapi({
      description: 'invalid: the definition did not validate (issues) and nothing ran; stopped: a bound (tasks or time) was hit',
    }),
    output: z.unknown().optional(),
    error: WorkflowErrorSchema.optional(),
    issues: z.array(DefinitionIssueSchema).optional(),
    path: z.array(SimulatedTaskSchema).openapi({ description: 'The tasks the run went through, in the order they started' }),
    durationMs: z.number(),
  })
  .openapi('SimulationResult');
