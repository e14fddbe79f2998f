/**
 * Content pipeline: models research a topic, outline and draft an article, then check its SEO and
 * write an image brief in parallel; an editor approves it (or asks for one revision, which a model
 * makes from the editor's comment), and the approved article is published once.
 */
// Importing @baton/ai adds ctx.llm and ctx.agent to every workflow's ctx.
import '@baton/ai';
import { ErrorCode, TerminalError, defineWorkflow, hasErrorCode } from '@baton/core';
import type { Workflow, WorkflowContext } from '@baton/core';
import { z } from 'zod';
import { stageProgress, type StageProgress } from '../stage-progress.js';
import { createContentServices, slugify, type ContentServices } from './services.js';

export const ContentBrief = z.object({
  topic: z.string().min(1).max(500),
  /** Who the article is for. */
  audience: z.string().min(1).max(500),
  keywords: z.array(z.string().min(1).max(100)).max(20),
});
export type ContentBrief = z.infer<typeof ContentBrief>;

export const ResearchNotes = z.object({
  angle: z.string().min(1).describe('The angle that makes the article worth reading for this audience'),
  keyPoints: z.array(z.string().min(1)).min(1).max(8).describe('Facts and arguments the article should make'),
  audienceQuestions: z.array(z.string().min(1)).max(8).describe('Questions the audience will have'),
});
export type ResearchNotes = z.infer<typeof ResearchNotes>;

export const Outline = z.object({
  title: z.string().min(1).max(120),
  sections: z
    .array(z.object({ heading: z.string().min(1), points: z.array(z.string().min(1)).max(6) }))
    .min(1)
    .max(8),
});
export type Outline = z.infer<typeof Outline>;

export const SeoReport = z.object({
  score: z.number().int().min(0).max(100).describe('How well the article is optimised for its keywords, 0 to 100'),
  suggestions: z.array(z.string().min(1)).max(8),
  metaDescription: z.string().min(1).max(160),
});
export type SeoReport = z.infer<typeof SeoReport>;

export const ImageBrief = z.object({
  subject: z.string().min(1).describe('What the header image shows'),
  style: z.string().min(1),
  altText: z.string().min(1).max(200),
});
export type ImageBrief = z.infer<typeof ImageBrief>;

/** The payload of the 'editor-approval' signal: `{ "approved": false, "comment": "Shorter intro" }`. */
export const EditorDecision = z.object({
  approved: z.boolean(),
  comment: z.string().max(10_000).optional(),
  editor: z.string().min(1).max(200).optional(),
});
export type EditorDecision = z.infer<typeof EditorDecision>;

export const ContentOutcome = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('published'),
    title: z.string(),
    postId: z.string(),
    url: z.string(),
    approvedBy: z.string(),
    /** 0, or 1 when the editor asked for a revision first. */
    revisions: z.number(),
    seoScore: z.number(),
    seoSuggestions: z.array(z.string()),
  }),
  z.object({
    status: z.literal('rejected'),
    title: z.string(),
    rejectedBy: z.string(),
    reason: z.string(),
    revisions: z.number(),
  }),
]);
export type ContentOutcome = z.infer<typeof ContentOutcome>;

export const ContentStage = {
  Researching: 'researching',
  Outlining: 'outlining',
  Drafting: 'drafting',
  Reviewing: 'reviewing',
  AwaitingApproval: 'awaiting-approval',
  Revising: 'revising',
  Publishing: 'publishing',
  Published: 'published',
  Rejected: 'rejected',
} as const;
export type ContentStage = (typeof ContentStage)[keyof typeof ContentStage];

/** What `ctx.setProgress` shows while a run is in flight. */
export type ContentProgress = StageProgress<ContentStage>;

export interface ContentPolicy {
  /** Who approves articles (signal 'editor-approval'). */
  editor: string;
  /** Revision rounds an editor may ask for before a rejection is final. */
  maxRevisions: number;
}

export const DEFAULT_CONTENT_POLICY: ContentPolicy = { editor: 'morgan', maxRevisions: 1 };

const WRITER = 'You are a technical writer for a company blog. You write clear, concrete, well-structured articles.';

/** The content workflow bound to the systems it talks to (tests pass their own). */
export function createContentPipelineWorkflow(services: ContentServices, policy: Partial<ContentPolicy> = {}): Workflow<ContentBrief, ContentOutcome> {
  const rules: ContentPolicy = { ...DEFAULT_CONTENT_POLICY, ...policy };

  return defineWorkflow(
    {
      name: 'content-pipeline',
      input: ContentBrief,
      output: ContentOutcome,
      description:
        "Research, outline and draft an article with a model, check SEO and brief the image in parallel, get an editor's approval (one revision allowed), publish.",
      signals: { 'editor-approval': EditorDecision },
    },
    async (ctx, brief) => {
      const progress = stageProgress<ContentStage>(ctx);
      const briefText = `${brief.topic}, for ${brief.audience}.\nKeywords: ${brief.keywords.join(', ')}`;

      progress(ContentStage.Researching, `collecting notes on "${brief.topic}" for ${brief.audience}`);
      const notes = structured(
        await ctx.llm({
          name: 'research',
          system: `${WRITER} Research the topic for the audience: the angle, the key points, the questions they will have.`,
          prompt: briefText,
          schema: ResearchNotes,
        }),
        'research',
      );

      progress(ContentStage.Outlining, `outlining from ${notes.keyPoints.length} key points`);
      const outline = structured(
        await ctx.llm({
          name: 'outline',
          system: `${WRITER} Outline an article from the research notes: a title and its sections.`,
          prompt: `${briefText}\n\nResearch notes:\n${JSON.stringify(notes, null, 2)}`,
          schema: Outline,
        }),
        'outline',
      );

      progress(ContentStage.Drafting, `drafting "${outline.title}" (${outline.sections.length} sections)`);
      let draft = (
        await ctx.llm({
          name: 'draft',
          system: `${WRITER} Write the article in Markdown from the outline, using the keywords naturally.`,
          prompt: `${briefText}\n\nOutline:\n${outlineText(outline)}`,
        })
      ).text;

      // Both model calls run at once; each takes its journal position when called, so replay is deterministic.
      progress(ContentStage.Reviewing, `checking SEO and briefing the header image for "${outline.title}"`);
      const [seoResult, imageResult] = await Promise.all([
        ctx.llm({
          name: 'seo-check',
          system: `You review articles for search-engine optimisation against their keywords: ${brief.keywords.join(', ')}. Score the article, suggest improvements, and write its meta description.`,
          prompt: draft,
          schema: SeoReport,
        }),
        ctx.llm({
          name: 'image-brief',
          system: 'You brief illustrators. Describe the header image for this article: its subject, its style, and its alt text.',
          prompt: `Title: ${outline.title}\n\n${draft}`,
          schema: ImageBrief,
        }),
      ]);
      const seo = structured(seoResult, 'seo-check');
      const image = structured(imageResult, 'image-brief');

      let revisions = 0;
      let decision = await askEditor(ctx, services, rules, outline.title, revisions, seo, progress);
      while (!decision.approved && revisions < rules.maxRevisions) {
        revisions++;
        progress(ContentStage.Revising, `revising "${outline.title}" after ${decision.editor ?? rules.editor}'s comment: ${decision.comment ?? '(none)'}`);
        draft = (
          await ctx.llm({
            name: `revise-${revisions}`,
            system: `${WRITER} Revise the article as the editor asks. Return the whole revised article in Markdown.`,
            prompt: `Editor's comment: ${decision.comment ?? 'Improve it.'}\n\nArticle:\n${draft}`,
          })
        ).text;
        decision = await askEditor(ctx, services, rules, outline.title, revisions, seo, progress);
      }

      const editor = decision.editor ?? rules.editor;
      if (!decision.approved) {
        const reason = decision.comment ?? `rejected by ${editor}`;
        progress(ContentStage.Rejected, `"${outline.title}" rejected by ${editor} after ${revisions} revision(s): ${reason}`);
        return { status: 'rejected', title: outline.title, rejectedBy: editor, reason, revisions };
      }

      progress(ContentStage.Publishing, `publishing "${outline.title}", approved by ${editor}`);
      const post = await ctx.step('publish', (info) =>
        services.cms.publish({
          idempotencyKey: info.idempotencyKey,
          title: outline.title,
          slug: slugify(outline.title),
          body: draft,
          metaDescription: seo.metaDescription,
          keywords: brief.keywords,
          imageBrief: image,
          approvedBy: editor,
        }),
      );

      progress(ContentStage.Published, `"${outline.title}" published as ${post.postId} at ${post.url}`);
      return {
        status: 'published',
        title: outline.title,
        postId: post.postId,
        url: post.url,
        approvedBy: editor,
        revisions,
        seoScore: seo.score,
        seoSuggestions: seo.suggestions,
      };
    },
  );
}

/** Asks the editor to review the draft and waits for the decision; a malformed one is refused when sent, and one that reaches the run anyway is journaled and ignored. */
async function askEditor(
  ctx: WorkflowContext,
  services: ContentServices,
  rules: ContentPolicy,
  title: string,
  revision: number,
  seo: SeoReport,
  progress: (stage: ContentStage, detail: string) => void,
): Promise<EditorDecision> {
  await ctx.step(revision === 0 ? 'request-review' : `request-review-${revision}`, (info) =>
    services.inbox.notify({ idempotencyKey: info.idempotencyKey, editor: rules.editor, title, revision }),
  );
  progress(
    ContentStage.AwaitingApproval,
    `waiting for ${rules.editor} to approve ${revision === 0 ? 'the draft' : `revision ${revision}`} of "${title}" (SEO score ${seo.score}; signal 'editor-approval')`,
  );
  for (;;) {
    try {
      return await ctx.waitForSignal('editor-approval', { schema: EditorDecision });
    } catch (error) {
      if (!hasErrorCode(error, ErrorCode.InvalidSignal)) throw error;
    }
  }
}

function outlineText(outline: Outline): string {
  return [`# ${outline.title}`, ...outline.sections.map((s) => [`## ${s.heading}`, ...s.points.map((p) => `- ${p}`)].join('\n'))].join('\n\n');
}

function structured<T>(result: { object?: T; model: string }, step: string): T {
  if (result.object === undefined) {
    throw new TerminalError(`Step 'llm:${step}' returned no structured answer from ${result.model}. Check the model supports JSON answers.`);
  }
  return result.object;
}

/** The systems the demo's content workflow talks to. */
export const contentServices = createContentServices();

/** The instance `baton dev --workflows examples/index.ts` registers. */
export const contentPipeline = createContentPipelineWorkflow(contentServices);
