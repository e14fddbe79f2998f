/**
 * `notifications/tools/list_changed`: while a session is connected, its tool list is read again every
 * so often (the registry and the store's catalog: a definition deployed, a new workflow version
 * registered by a worker) and the client is told when it differs from the last one it could have seen.
 */
import type { Logger } from '@baton/core';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';

/** Polls `signature` every `intervalMs` after `start()`; a change sends tools/list_changed. Stopped by `stop()`. */
export function watchToolList(server: Server, signature: () => Promise<string>, intervalMs: number, logger: Logger): { start(): void; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  let stopped = false;
  let last: string | undefined;
  const tick = async (): Promise<void> => {
    try {
      const now = await signature();
      if (last !== undefined && now !== last && !stopped) await server.sendToolListChanged();
      last = now;
    } catch (error) {
      logger.warn({ err: error }, 'reading the MCP tool list failed; trying again later');
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs).unref();
  };
  return {
    start() {
      if (started || stopped) return;
      started = true;
      void tick();
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
