/**
 * The DSL guide the planner puts in its system prompt: Serverless Workflow 1.0 as Baton runs it, and
 * Baton's `call: baton.*` extensions, in as few tokens as a model needs to write a definition that
 * validates on the first try. It follows the rules parseDefinition enforces; when those change,
 * change this too (test/planner/guide.test.ts validates its examples).
 */

/** The guide (about 3,000 tokens of Markdown). */
export const PLANNER_GUIDE = `## How to write a definition

A definition is one YAML document (Serverless Workflow DSL 1.0). It runs as the Baton workflow
\`<namespace>.<name>\` at \`version\`; every task is journaled, so a crash never repeats finished work.

### Header

\`\`\`yaml
document:
  dsl: '1.0.0'
  namespace: billing            # lowercase letters, digits, '-'
  name: invoice-approval        # lowercase letters, digits, '-'
  version: '1.0.0'              # semantic version, quoted
  title: Invoice approval       # optional
  summary: One sentence on what it does.   # optional
input:                          # optional: the run's input, checked before the first task
  schema:
    format: json
    document: { type: object, required: [ amount ], properties: { amount: { type: number } } }
do:                             # required: the tasks, in order
  - firstTask: { ... }
\`\`\`

### Tasks

\`do\` is a list; each item is a one-key mapping \`- taskName: { task }\`. Names are camelCase or
kebab-case and unique within their list. Tasks run in order; each task's output is the next
task's input. The task kinds (exactly these; there is no other):

- \`set\`: outputs a new value (replaces the input; merge with \`\${ . + {...} }\`).
  \`\`\`yaml
  - total:
      set:
        amount: '\${ .net + .tax }'
        currency: EUR
  \`\`\`
- \`switch\`: the first case whose \`when\` holds (a case without \`when\` is the default) sends the
  flow to its \`then\`.
  \`\`\`yaml
  - route:
      switch:
        - large: { when: .amount > 10000, then: managerApproval }
        - small: { then: autoApprove }
  \`\`\`
- \`call: http\`: an HTTP request; the output is the response body.
  \`\`\`yaml
  - fetchOrder:
      call: http
      with: { method: get, endpoint: 'https://shop.example.com/orders/{orderId}' }
  \`\`\`
  \`endpoint\` may also be \`{ uri, authentication }\`; \`body\`, \`headers\`, \`query\` are optional.
  \`call: openapi\` takes \`with: { document: { endpoint }, operationId, parameters }\`; \`call: grpc\` a
  proto, service, method and arguments.
- \`call: <function>\`: a function declared under \`use.functions\` (below); its \`with\` is the input.
- \`run: workflow\`: a workflow of the catalog as a child run, by namespace and name.
  \`\`\`yaml
  - reserve:
      run:
        workflow: { namespace: shop, name: reserve-stock, version: '1.0.0', input: { sku: '\${ .sku }' } }
  \`\`\`
- \`for\`: loops over a list; \`each\` names the item (\`$item\` by default), \`at\` the index.
  \`\`\`yaml
  - notifyAll:
      for: { each: customer, in: .customers }
      do:
        - notify: { call: baton.workflow, with: { name: notify-customer, input: '\${ $customer }' } }
  \`\`\`
- \`fork\`: runs \`branches\` (a task list) concurrently; the output is the list of branch outputs.
  \`compete: true\` keeps the first branch to finish.
  \`\`\`yaml
  - checks:
      fork:
        branches:
          - credit: { call: baton.workflow, with: { name: credit-check, input: '\${ . }' } }
          - fraud: { call: baton.workflow, with: { name: fraud-check, input: '\${ . }' } }
  \`\`\`
- \`try\`/\`catch\`: catches errors of its task list; \`catch.errors.with\` filters (by \`type\`,
  \`status\`), \`catch.as\` names the error (\`$error\` by default), \`catch.retry\` retries,
  \`catch.do\` runs instead.
  \`\`\`yaml
  - charge:
      try:
        - pay: { call: http, with: { method: post, endpoint: 'https://pay.example.com/charges', body: '\${ . }' } }
      catch:
        errors: { with: { status: 503 } }
        retry: { delay: { seconds: 2 }, backoff: { exponential: {} }, limit: { attempt: { count: 3 } } }
  \`\`\`
- \`raise\`: fails the run with an error, inline or named in \`use.errors\`.
  \`\`\`yaml
  - refuse:
      raise:
        error: { type: https://example.com/errors/refused, status: 422, title: Refused, detail: '\${ .reason }' }
  \`\`\`
- \`wait\`: a durable pause: \`wait: PT1H\` (ISO 8601) or \`wait: { days: 3 }\`.
- \`emit\`: publishes an event: \`emit: { event: { with: { source: https://example.com/billing, type: com.example.invoice.paid, data: '\${ . }' } } }\` (\`source\` and \`type\` required).
- \`listen\`: waits for events: \`listen: { to: { one: { with: { type: com.example.payment.received } } } }\` (\`one\`, \`all\`, \`any\`).
- \`do\`: a nested task list, to group tasks (e.g. one branch of a switch).

### Baton's functions: \`call: baton.<name>\` (never declared in use.functions)

- \`baton.workflow\`: a workflow of the catalog as a child run, by its full name; output = its output.
  \`\`\`yaml
  - score:
      call: baton.workflow
      with: { name: risk.score, input: { customerId: '\${ .customerId }' } }
  \`\`\`
  \`version\` is optional. \`input\` must fit the workflow's input schema in the catalog.
- \`baton.llm\`: one model call. \`prompt\` required; \`system\`, \`model\`, \`schema\` (JSON Schema: the
  answer is JSON that fits it, in \`.object\`), \`budget: { maxCostUsd, maxTokens }\` optional.
  Output: \`{ text, object, model, usage, costUsd }\`.
  \`\`\`yaml
  - classify:
      call: baton.llm
      with:
        prompt: '\${ .ticket.text }'
        schema: { type: object, required: [ topic ], properties: { topic: { enum: [ billing, technical ] } } }
      output: { as: .object }
  \`\`\`
- \`baton.agent\`: a model that uses catalog workflows as tools. \`prompt\` and \`tools\` (workflow
  names) required; \`instructions\`, \`maxSteps\`, \`schema\`, \`budget\` optional. Output: \`{ text, object, toolCalls }\`.
  \`\`\`yaml
  - answer:
      call: baton.agent
      with: { instructions: You answer order questions., prompt: '\${ .question }', tools: [ shop.lookup-order ] }
  \`\`\`
- \`baton.approval\`: waits (for days if needed) for a person. \`title\` and \`form\` (a JSON Schema of an
  object: the answer) required; \`description\`, \`signal\` (default approval), \`timeout\` optional.
  Output: the person's answer. A \`timeout\` raises the timeout error (status 408), which a \`try\` can catch.
  \`\`\`yaml
  - managerApproval:
      call: baton.approval
      with:
        title: '\${ "Approve invoice " + .invoiceId + "?" }'
        form: { type: object, required: [ approved ], properties: { approved: { type: boolean }, comment: { type: string } } }
  \`\`\`
  Model calls (\`baton.llm\`, \`baton.agent\`) may not run inside \`fork\` branches.

### Flow and data

Every task may have:
- \`if\`: a jq condition; when false the task is skipped and its input passes on. \`if: .amount > 100\`
- \`then\`: where to go next: the name of a task **in the same list**, or \`continue\` (the next task,
  the default), \`exit\` (leave this list), \`end\` (end the workflow). A switch case's \`then\` the same.
- \`input.from\`: reshapes the task's input. \`input: { from: '\${ .order }' }\`
- \`output.as\`: reshapes its output. \`output: { as: '\${ { approved: .approved } }' }\`
- \`export.as\`: sets the shared context \`$context\` from the output, for later tasks.
  \`export: { as: '\${ $context + { invoice: . } }' }\`
- \`timeout: { after: { minutes: 5 } }\`.

Without \`output.as\` a task's output replaces the data: keep what later tasks need with
\`output.as: '\${ $input + { result: . } }'\` or \`export.as\`.

### Expressions (jq)

A runtime expression is a string \`'\${ <jq> }'\`, quoted in YAML. It may be the whole value or sit
anywhere inside \`with\`, \`set\`, \`input\`. \`if\`, a switch \`when\`, \`for.in\`, \`input.from\`,
\`output.as\` and \`export.as\` are jq even without \`\${ }\`. \`.\` is the task's input. Arguments:
\`$input\` (task input), \`$output\` (in output.as/export.as), \`$context\`, \`$workflow\` (\`.input\`,
\`.id\`), \`$task\` (\`.name\`), \`$runtime\`, \`$secrets\` (names listed in \`use.secrets\`), the loop's
item and index, \`$error\` in a catch. Every expression must compile: valid jq only (\`and\`/\`or\`/\`not\`,
\`==\`, \`//\` for defaults, string interpolation \`"\\(.x)"\`, \`| tostring\`); no JavaScript (\`&&\`,
\`===\`, \`.length\`, template literals).

### use: declarations

\`\`\`yaml
use:
  functions:
    sendEmail:
      call: http
      with: { method: post, endpoint: https://mail.example.com/send }
  errors:
    refused: { type: https://example.com/errors/refused, status: 422, title: Refused }
  retries:
    standard: { delay: { seconds: 1 }, limit: { attempt: { count: 3 } } }
  secrets: [ mailApiKey ]
\`\`\`
Then \`call: sendEmail\`, \`raise: { error: refused }\`, \`catch: { retry: standard }\`.

### Rules validation enforces

1. The header has dsl, namespace, name and version; \`do\` is a non-empty list of one-key items.
2. Every task is one of the kinds above, with only its own keys (a task \`sendEmail: { email: … }\` is invalid).
3. Task names are unique within their list; every \`then\` names a task of the same list, or continue/exit/end.
4. \`call: <name>\` is http, openapi, grpc, baton.workflow, baton.llm, baton.agent, baton.approval, or
   a function declared in \`use.functions\`; raised errors and retry policies by name are declared in \`use\`.
5. Every jq expression compiles; every \`$secrets.X\` is listed in \`use.secrets\`.
6. Workflows called (\`baton.workflow\`, \`run: workflow\`, agent tools) are in the catalog, and
   their \`input\` fits the catalog's input schema (required keys present, no unknown keys, right types).
7. Every \`baton.approval\` has a \`title\` and a \`form\` that is an object JSON Schema.

### A complete example

\`\`\`yaml
document:
  dsl: '1.0.0'
  namespace: billing
  name: invoice-approval
  version: '1.0.0'
  summary: Large invoices need a manager's approval; approved invoices are paid.
do:
  - check:
      switch:
        - large: { when: .amount > 10000, then: approve }
        - small: { then: pay }
  - approve:
      call: baton.approval
      with:
        title: '\${ "Approve invoice \\(.invoiceId) of \\(.amount) EUR?" }'
        form: { type: object, required: [ approved ], properties: { approved: { type: boolean } } }
      output: { as: '\${ $input + { approved: .approved } }' }
  - decide:
      switch:
        - rejected: { when: .approved == false, then: end }
        - approved: { then: pay }
  - pay:
      call: baton.workflow
      with: { name: payments.pay-invoice, input: { invoiceId: '\${ .invoiceId }', amount: '\${ .amount }' } }
\`\`\`

Answer with the whole definition in one \`\`\`yaml fenced block; use only workflows and functions
the catalog lists.
`;
