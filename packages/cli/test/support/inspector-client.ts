/**
 * A small Chrome DevTools Protocol client over the `ws` package: attaches to a process's inspector,
 * lets it run, and answers each pause with what the test asks of the paused frame, then resumes.
 */
import WebSocket from 'ws';

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export interface Pause {
  /** The paused frame's own function and location, then the frames below it. */
  frames: { functionName: string; url: string; line: number }[];
  /** `expression` evaluated in the paused frame, as JSON. */
  value: unknown;
}

/**
 * Attaches to `url`, runs the process, and at each pause evaluates `expression` (JSON.stringify'd in
 * the paused frame) before resuming; resolves with every pause once the inspector closes.
 */
export function followPauses(url: string, expression: string): Promise<Pause[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const pending = new Map<number, (message: Message) => void>();
    const pauses: Pause[] = [];
    /** Script ids to their URLs (a paused frame names its script by id). */
    const scripts = new Map<string, string>();
    let nextId = 1;
    const send = (method: string, params: Record<string, unknown> = {}): Promise<Message> =>
      new Promise((answer) => {
        const id = nextId++;
        pending.set(id, answer);
        socket.send(JSON.stringify({ id, method, params }));
      });
    socket.on('error', reject);
    socket.on('close', () => resolve(pauses));
    socket.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as Message;
      if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
        return;
      }
      if (message.method === 'Debugger.scriptParsed') {
        const script = message.params as { scriptId: string; url: string };
        scripts.set(script.scriptId, script.url);
        return;
      }
      if (message.method !== 'Debugger.paused') return;
      const callFrames = (message.params?.callFrames ?? []) as {
        callFrameId: string;
        functionName: string;
        url: string;
        location: { scriptId: string; lineNumber: number };
      }[];
      const top = callFrames[0];
      if (top === undefined) return;
      void send('Debugger.evaluateOnCallFrame', { callFrameId: top.callFrameId, expression: `JSON.stringify(${expression})`, returnByValue: true })
        .then((answer) => {
          const raw = (answer.result?.result as { value?: unknown } | undefined)?.value;
          pauses.push({
            frames: callFrames.map((f) => ({
              functionName: f.functionName,
              url: f.url || (scripts.get(f.location.scriptId) ?? ''),
              line: f.location.lineNumber + 1,
            })),
            value: typeof raw === 'string' ? (JSON.parse(raw) as unknown) : undefined,
          });
          return send('Debugger.resume');
        })
        .catch(reject);
    });
    socket.on('open', () => {
      void send('Debugger.enable')
        .then(() => send('Runtime.runIfWaitingForDebugger'))
        .catch(reject);
    });
  });
}
