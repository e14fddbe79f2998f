/**
 * The rounds of a plan as they finish: which model answered, whether its definition was valid or
 * what was wrong with it (each problem in place), and the tokens and cost of the round. The round
 * in progress is shown after them while the plan goes on.
 */
import type { ApiPlan } from '@baton/server/client';
import { formatCost, plural } from '../format';
import { DefinitionIssues } from './definition-issues';

export type ApiPlanRound = NonNullable<ApiPlan['result']>['rounds'][number];

const PHASES: Record<string, string> = {
  catalog: 'reading what this deployment has',
  asking: 'asking the model',
  validating: 'validating the answer',
  done: 'done',
};

export function PlanRounds({ plan }: { plan: ApiPlan }) {
  const rounds = plan.result?.rounds ?? plan.progress?.rounds ?? [];
  const going = plan.status === 'queued' || plan.status === 'running' || plan.status === 'waiting';
  return (
    <ol className="plan-rounds" aria-label="Rounds">
      {rounds.map((round) => (
        <li key={round.round} className={round.valid ? 'plan-round valid' : 'plan-round invalid'} data-round={round.round}>
          <div className="plan-round-head">
            <strong>Round {round.round}</strong> <span className="mono muted">{round.model}</span>{' '}
            {round.valid ? (
              <span className="status status-completed">valid</span>
            ) : (
              <span className="status status-failed">{plural(round.issues.length, 'problem')}</span>
            )}
            <span className="muted small plan-round-usage">
              {round.tokens.total.toLocaleString('en')} tokens · {formatCost(round.costUsd)}
            </span>
          </div>
          {round.definition === undefined && !round.valid ? <p className="muted small">The answer held no definition.</p> : null}
          <DefinitionIssues issues={round.issues} label={`Problems of round ${round.round}`} />
        </li>
      ))}
      {going ? (
        <li className="plan-round pending" role="status" aria-live="polite">
          <span className="spinner" aria-hidden="true" />{' '}
          {plan.progress === undefined
            ? 'Waiting for a worker to start planning…'
            : `Round ${plan.progress.round} of ${plan.progress.maxRounds}: ${PHASES[plan.progress.phase] ?? plan.progress.phase}…`}
        </li>
      ) : null}
    </ol>
  );
}
