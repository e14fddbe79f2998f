/**
 * Knowledge-base answer: a question is answered from the knowledge base behind an MCP server. The
 * workflow searches the server's articles and reads the best match, each tool call one journaled
 * step (`mcp:knowledge-base:search_articles`, `mcp:knowledge-base:get_article`): a crash or a
 * restart after a call replays its result and never calls the tool again.
 */
// Importing @baton/mcp adds ctx.mcp to every workflow's ctx.
import { configureMcp } from '@baton/mcp';
import { defineWorkflow } from '@baton/core';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The example's MCP server: kb-server.mjs, started over stdio with this Node. */
export const KNOWLEDGE_BASE_SERVER = { command: process.execPath, args: [fileURLToPath(new URL('./kb-server.mjs', import.meta.url))] };

// Named here so that workflows say ctx.mcp('knowledge-base'); an --mcp-config file can name servers too.
configureMcp({ servers: { 'knowledge-base': KNOWLEDGE_BASE_SERVER } });

export const KnowledgeQuestion = z.object({ question: z.string().min(1).max(2_000) });
export type KnowledgeQuestion = z.infer<typeof KnowledgeQuestion>;

export interface KnowledgeAnswer {
  question: string;
  /** The article the answer comes from; absent when nothing matched. */
  article?: { id: string; title: string };
  answer: string;
  /** The other articles that matched, best first. */
  alsoSee: string[];
}

interface SearchResult {
  matches: { id: string; title: string; score: number }[];
}

interface Article {
  id: string;
  title: string;
  body: string;
}

export const knowledgeAnswer = defineWorkflow(
  { name: 'knowledge-answer', description: 'Answers a question from the knowledge base MCP server.', input: KnowledgeQuestion },
  async (ctx, input): Promise<KnowledgeAnswer> => {
    const kb = ctx.mcp('knowledge-base');
    ctx.setProgress({ stage: 'searching', detail: `searching the knowledge base for "${input.question}"` });
    const search = await kb.callTool('search_articles', { query: input.question });
    const { matches } = search.structuredContent as unknown as SearchResult;
    const best = matches[0];
    if (best === undefined) {
      return { question: input.question, answer: 'The knowledge base has no article about this; a person will answer.', alsoSee: [] };
    }
    ctx.setProgress({ stage: 'reading', detail: `reading ${best.id} "${best.title}"` });
    const read = await kb.callTool('get_article', { id: best.id }, { retry: { maxAttempts: 3 } });
    const article = read.structuredContent as unknown as Article;
    return {
      question: input.question,
      article: { id: article.id, title: article.title },
      answer: article.body,
      alsoSee: matches.slice(1).map((match) => match.id),
    };
  },
);
