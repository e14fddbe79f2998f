// The knowledge base's MCP server: a small Model Context Protocol server written with the official
// SDK, spoken to over stdio. The knowledge-base workflow starts it (as any MCP client would) and calls
// its tools: search_articles finds articles by words, get_article returns one in full.
// Run it alone with `node examples/knowledge-base/kb-server.mjs` and an MCP client (e.g. the MCP Inspector).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const ARTICLES = [
  {
    id: 'KB-101',
    title: 'Refunds for faulty appliances',
    body: 'A faulty appliance bought less than 30 days ago is refunded in full to the original payment method within 5 business days. Later, it is repaired under warranty.',
  },
  {
    id: 'KB-102',
    title: 'Descaling your espresso machine',
    body: 'Descale every 2 months with the descaling liquid: fill the tank, run the descaling program, then rinse twice with clean water.',
  },
  {
    id: 'KB-103',
    title: 'Shipping times',
    body: 'Orders ship from Rotterdam within 24 hours and arrive in 2 to 4 business days in the EU.',
  },
];

const words = (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];

const server = new McpServer({ name: 'baton-example-knowledge-base', version: '1.0.0' });

server.registerTool(
  'search_articles',
  {
    description: 'Finds knowledge-base articles about a question, best match first.',
    inputSchema: { query: z.string().min(1).describe('The question or keywords') },
    outputSchema: { matches: z.array(z.object({ id: z.string(), title: z.string(), score: z.number() })) },
  },
  async ({ query }) => {
    const wanted = new Set(words(query).filter((word) => word.length > 3));
    const matches = ARTICLES.map((article) => ({
      id: article.id,
      title: article.title,
      score: words(`${article.title} ${article.body}`).filter((word) => wanted.has(word)).length,
    }))
      .filter((match) => match.score > 0)
      .sort((a, b) => b.score - a.score);
    return { content: [{ type: 'text', text: JSON.stringify({ matches }) }], structuredContent: { matches } };
  },
);

server.registerTool(
  'get_article',
  {
    description: 'Returns one knowledge-base article in full.',
    inputSchema: { id: z.string().describe('The article id, e.g. KB-101') },
    outputSchema: { id: z.string(), title: z.string(), body: z.string() },
  },
  async ({ id }) => {
    const article = ARTICLES.find((candidate) => candidate.id === id);
    if (article === undefined) return { isError: true, content: [{ type: 'text', text: `There is no article ${id}.` }] };
    return { content: [{ type: 'text', text: `${article.title}\n\n${article.body}` }], structuredContent: article };
  },
);

await server.connect(new StdioServerTransport());
