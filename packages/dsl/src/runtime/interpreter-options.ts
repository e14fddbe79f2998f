/** What the operator configures about how definitions run. */
import type { AnyWorkflow } from '@baton/core';

export interface InterpreterOptions {
  /**
   * Sends HTTP calls for a host to another base URL, e.g.
   * `{ 'petstore.swagger.io': 'http://127.0.0.1:8080' }`: for tests and staging, without editing
   * definitions. Applies to `call: http`, `call: openapi` (documents and operations) and OAuth2 token
   * endpoints. CLI: `--dsl-host host=url` (repeatable), env BATON_DSL_HOSTS (`host=url,host=url`).
   */
  hostAliases?: Readonly<Record<string, string>>;
  /** Values of `$secrets` (default: none; the CLI passes the names listed in BATON_DSL_SECRETS from the environment). */
  secrets?: Readonly<Record<string, unknown>>;
  /** `run: shell` is refused unless enabled (it runs commands on the worker's host). */
  allowShell?: boolean;
  /** `run: script` is refused unless enabled. */
  allowScript?: boolean;
  /** Finds the workflow a `run: workflow` task or a Baton `workflow` call names (TypeScript workflows and other definitions). */
  resolveWorkflow?: (name: string, version?: string) => AnyWorkflow | undefined;
  /** The fetch used by `call` tasks (default: the global fetch). */
  fetch?: typeof fetch;
}
