/**
 * The definitions of the DSL crash test. Every task that matters is a `call: http` to the host
 * `crash.test`, which the worker's host aliases send to the test's loopback server: the server counts
 * the requests per path, so the test sees how often each task really ran.
 */

export const CRASH_HOST = 'crash.test';

function call(name: string, path: string, indent: string): string {
  return `${indent}- ${name}:\n${indent}    call: http\n${indent}    with:\n${indent}      method: get\n${indent}      endpoint: http://${CRASH_HOST}${path}\n`;
}

function header(name: string): string {
  return `document: { dsl: '1.0.0', namespace: crash, name: ${name}, version: '1.0.0' }\ndo:\n`;
}

/** A call, a durable ten-second wait (long enough for the test to kill the worker in it), a call. */
export const waitDefinition =
  header('wait') + call('before', '/wait/before', '  ') + `  - pause:\n      wait:\n        seconds: 10\n` + call('after', '/wait/after', '  ');

/** A call, a fork of two branches of two calls each, a call. */
export const forkDefinition =
  header('fork') +
  call('start', '/fork/start', '  ') +
  `  - both:\n      fork:\n        branches:\n          - left:\n              do:\n` +
  call('l1', '/fork/l1', '                ') +
  call('l2', '/fork/l2', '                ') +
  `          - right:\n              do:\n` +
  call('r1', '/fork/r1', '                ') +
  call('r2', '/fork/r2', '                ') +
  call('finish', '/fork/finish', '  ');

/** A call, a call retried on communication errors every five seconds (up to five retries), a call. */
export const retryDefinition =
  header('retry') +
  call('before', '/retry/before', '  ') +
  `  - flaky:\n      try:\n` +
  call('attempt', '/retry/flaky', '        ') +
  `      catch:
        errors:
          with:
            type: https://serverlessworkflow.io/spec/1.0.0/errors/communication
        retry:
          delay:
            seconds: 5
          limit:
            attempt:
              count: 5
` +
  call('after', '/retry/after', '  ');

export const CRASH_DEFINITIONS = { wait: waitDefinition, fork: forkDefinition, retry: retryDefinition };
