/**
 * The progress the example workflows report while a run is in flight: the stage it is at and a line
 * about it, which the dashboard, `baton runs get` and the demo's log show. Each example names its own
 * stages; this is the one shape they all report in.
 */
import type { WorkflowContext } from '@baton/core';

/** What `ctx.setProgress` shows while a run is in flight. */
export interface StageProgress<Stage extends string> {
  stage: Stage;
  detail: string;
}

/** Reports a run's progress: `const progress = stageProgress<InvoiceStage>(ctx); progress(InvoiceStage.Paying, '…')`. */
export function stageProgress<Stage extends string>(ctx: WorkflowContext): (stage: Stage, detail: string) => void {
  return (stage, detail) => ctx.setProgress({ stage, detail } satisfies StageProgress<Stage>);
}
