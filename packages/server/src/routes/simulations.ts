/**
 * POST /api/simulations: runs a definition text that is not deployed on a private store of its own,
 * with nothing leaving the process (calls answered from the scenario or from the output schemas of
 * the deployment's catalog, waits skipped), and answers the path it took. A text that does not
 * validate is a result (status invalid, with its issues), not an error: the dashboard shows it as such.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ErrorCode, type Store } from '@baton/core';
import { simulate, type PlanningCatalog, type Scenario } from '@baton/dsl';
import { ErrorSchema, apiError, validationError } from '../errors.js';
import { json } from '../schemas.js';
import { INVALID_SCENARIO, SimulationRequestSchema, SimulationResultSchema } from './simulation-schemas.js';

/** The server was made without a store for simulations. */
export const SIMULATION_UNAVAILABLE = 'BATON_SIMULATION_UNAVAILABLE';

export interface SimulationRouteOptions {
  /** Reads what the deployment has: the output schemas of the workflows a definition calls answer those calls. */
  catalog: () => Promise<PlanningCatalog>;
  /** Opens a fresh private store per simulation (SQLite `:memory:`); without it the route answers 501. */
  simulationStore?: () => Store | Promise<Store>;
}

export function registerSimulationRoute(app: OpenAPIHono, options: SimulationRouteOptions): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/simulations',
      tags: ['definitions'],
      summary: 'Simulate a definition on an input',
      description:
        "Runs the definition text on the input with nothing leaving the server: calls are answered from the scenario (by task name or JSON pointer) or from the output schema of the workflow called, approvals from the scenario's approvals, listens from its events; waits are skipped. Answers the path taken (tasks in order, branches, where each answer came from) and the output or error. A text that does not validate answers status invalid with its issues. Needs a viewer key.",
      request: { body: { required: true, content: { 'application/json': { schema: SimulationRequestSchema } } } },
      responses: {
        200: json(SimulationResultSchema, 'The simulated run'),
        400: json(ErrorSchema, 'Invalid request (BATON_INVALID_SCENARIO: a scenario of the wrong shape)'),
        501: json(ErrorSchema, 'This server simulates nothing (BATON_SIMULATION_UNAVAILABLE)'),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      if (options.simulationStore === undefined)
        return c.json(apiError(SIMULATION_UNAVAILABLE, 'This server was started without a store for simulations: baton dev and baton start have one.'), 501);
      const catalog = await options.catalog();
      const result = await simulate(request.definition, request.input, {
        store: options.simulationStore,
        catalog,
        ...(request.scenario === undefined ? {} : { scenario: request.scenario as Scenario }),
      });
      return c.json(result as never, 200);
    },
    (result, c) => {
      if (result.success) return undefined;
      const issues = result.error.issues;
      // A scenario of the wrong shape has a code of its own: the request is otherwise fine.
      const code = issues.every((issue) => issue.path[0] === 'scenario') ? INVALID_SCENARIO : ErrorCode.InvalidArgument;
      const body = validationError(issues, `${result.target}`);
      return c.json(apiError(code, body.error.message, body.error.details), 400);
    },
  );
}
