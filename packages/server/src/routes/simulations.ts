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
/** As many simulations as the server runs at once are running: try again in a moment. */
export const SIMULATIONS_BUSY = 'BATON_SIMULATIONS_BUSY';

export interface SimulationRouteOptions {
  /** Reads what the deployment has: the output schemas of the workflows a definition calls answer those calls. */
  catalog: () => Promise<PlanningCatalog>;
  /** Opens a fresh private store per simulation (SQLite `:memory:`); without it the route answers 501. */
  simulationStore?: () => Store | Promise<Store>;
  /**
   * Simulations run at once. Each holds a private engine and store for up to its time limit, and any
   * signed-in role may ask for one, so they are bounded; one more answers 429. Default 4.
   */
  maxConcurrent?: number;
}

export function registerSimulationRoute(app: OpenAPIHono, options: SimulationRouteOptions): void {
  const maxConcurrent = options.maxConcurrent ?? 4;
  let running = 0;
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
        429: json(ErrorSchema, 'As many simulations as this server runs at once are running (BATON_SIMULATIONS_BUSY): retry after the Retry-After seconds'),
        501: json(ErrorSchema, 'This server simulates nothing (BATON_SIMULATION_UNAVAILABLE)'),
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      if (options.simulationStore === undefined)
        return c.json(apiError(SIMULATION_UNAVAILABLE, 'This server was started without a store for simulations: baton dev and baton start have one.'), 501);
      if (running >= maxConcurrent) {
        c.header('Retry-After', '1');
        return c.json(
          apiError(SIMULATIONS_BUSY, `This server runs at most ${maxConcurrent} simulations at once and all are busy: try again in a moment.`),
          429,
        );
      }
      running++;
      try {
        const catalog = await options.catalog();
        const result = await simulate(request.definition, request.input, {
          store: options.simulationStore,
          catalog,
          ...(request.scenario === undefined ? {} : { scenario: request.scenario as Scenario }),
        });
        return c.json(result as never, 200);
      } finally {
        running--;
      }
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
