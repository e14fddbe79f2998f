/**
 * The workflows a simulated definition calls (`call: baton.workflow`, `run: workflow`), answered from
 * the scenario, else a sample of the workflow's output schema in the planning catalog, else `{}`.
 */
import type { TaskSite } from '../tasks/executor.js';
import type { PlanningCatalog } from '../planner/planning-catalog.js';
import type { Answered, ScenarioAnswers } from './scenario-answers.js';
import { sampleOf } from './schema-sample.js';

export function workflowAnswer(
  answers: ScenarioAnswers,
  catalog: PlanningCatalog | undefined,
  site: TaskSite,
  name: string,
  version: string | undefined,
): Answered {
  const answered = answers.answer(site);
  if (answered !== undefined) return answered;
  const entries = catalog?.workflows.filter((entry) => entry.name === name) ?? [];
  const entry = entries.find((e) => version === undefined || e.version === version) ?? entries[0];
  if (entry?.outputSchema !== undefined) return { output: sampleOf(entry.outputSchema, entry.description ?? name), answeredBy: 'schema' };
  return { output: {}, answeredBy: 'default' };
}
