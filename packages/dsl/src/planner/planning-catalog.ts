/**
 * The catalog the planner writes against: what this deployment really has. Registered TypeScript
 * workflows and deployed definitions (with their input and output JSON Schemas and the signals their
 * runs wait for), the HTTP/OpenAPI/gRPC functions deployed definitions declare (which a new
 * definition may declare again in its own `use.functions`), and MCP tools once they exist. The
 * prompt shows it to the model; catalog-check.ts checks every answer against it.
 */

/** A JSON Schema document, as loosely typed as it travels. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A workflow a definition may call (`call: baton.workflow`, `run: workflow`, an agent's tool). */
export interface CatalogWorkflowEntry {
  /** The Baton name (`invoice-approval`, `examples.expense-claim`). */
  readonly name: string;
  /** The current version. */
  readonly version: string;
  /** 'code' (TypeScript) or 'definition' (a deployed definition). */
  readonly kind: 'code' | 'definition';
  readonly description?: string;
  readonly inputSchema?: JsonSchema;
  readonly outputSchema?: JsonSchema;
  /** The signals its runs wait for, each with the JSON Schema of its data (approval forms among them). */
  readonly signals?: Readonly<Record<string, JsonSchema>>;
}

/** A function a deployed definition declares in `use.functions`: a new definition may declare the same. */
export interface CatalogFunction {
  readonly name: string;
  /** The task as declared (e.g. `{ call: 'http', with: { method, endpoint } }`). */
  readonly task: Readonly<Record<string, unknown>>;
  readonly description?: string;
  /** The definition (Baton name) that declares it. */
  readonly declaredBy?: string;
}

/** A tool of a configured MCP server (empty until Baton has MCP client steps). */
export interface CatalogMcpTool {
  readonly server: string;
  readonly name: string;
  readonly description?: string;
  readonly inputSchema?: JsonSchema;
}

export interface PlanningCatalog {
  readonly workflows: readonly CatalogWorkflowEntry[];
  readonly functions: readonly CatalogFunction[];
  readonly mcpTools?: readonly CatalogMcpTool[];
}

/** A catalog with nothing in it. */
export const EMPTY_CATALOG: PlanningCatalog = { workflows: [], functions: [] };
