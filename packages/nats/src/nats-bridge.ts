/**
 * The NATS JetStream bridge: messages on configured subjects become Baton events. A durable pull
 * consumer (shared by every bridge with the same name, so each message is handled by one of them)
 * delivers each message; the bridge stores it as an event and acknowledges it only once the store
 * has it, with a confirmed ack. A message delivered again (the ack was lost, the bridge died) has the
 * same event id, so the event log keeps it once.
 */
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { isBatonError, silentLogger, type Client, type EmitOptions, type Logger } from '@baton/core';

/** What a message becomes: an event of `type` with `data` (undefined: acknowledge and drop the message). */
export interface BridgedEvent {
  type: string;
  data?: unknown;
  /** Default: the message's Nats-Msg-Id header, else the stream and sequence (stable across redeliveries). */
  id?: string;
  subject?: string;
  time?: Date;
}

export interface NatsBridgeOptions {
  /** Where events are stored (any Baton client: an engine's or a plain one). */
  client: Client;
  /** NATS servers. Default nats://127.0.0.1:4222. Ignored with `connection`. */
  servers?: string | string[];
  /** An open connection to use instead (the bridge does not close it). */
  connection?: NatsConnection;
  /** The JetStream stream holding the subjects; created with them if missing (unless `createStream: false`). */
  stream: string;
  /** Subjects to bridge (wildcards allowed). With several, the consumer reads the whole stream. */
  subjects: string[];
  createStream?: boolean;
  /** The durable consumer's name. Default `baton-<stream>`. */
  consumer?: string;
  /** CloudEvents `source` of bridged events. Default `nats:<stream>`. */
  source?: string;
  /**
   * Turns a message into an event. Default: a CloudEvents 1.0 JSON body is taken as it is; any other
   * body becomes an event whose type is the message subject and whose data is the JSON (or the text).
   */
  toEvent?: (message: JsMsg) => BridgedEvent | undefined;
  /** How long NATS waits for an ack before delivering again. Default 30 s. */
  ackWaitMs?: number;
  /** Delay before a message whose store failed is delivered again. Default 1 s. */
  retryDelayMs?: number;
  logger?: Logger;
}

export interface NatsBridgeStats {
  /** Deliveries handled (redeliveries included). */
  received: number;
  /** Events stored. */
  stored: number;
  /** Deliveries of events the log already had (redeliveries, republished ids). */
  duplicates: number;
  /** Deliveries handed back for a later try (the store failed). */
  retried: number;
  /** Messages refused for good (not an event: a bad type, a bad CloudEvent); terminated, not delivered again. */
  rejected: number;
}

const NANOS_PER_MS = 1_000_000;

export class NatsBridge {
  readonly stats: NatsBridgeStats = { received: 0, stored: 0, duplicates: 0, retried: 0, rejected: 0 };
  readonly #options: NatsBridgeOptions;
  readonly #logger: Logger;
  #connection: NatsConnection | undefined;
  #ownConnection = false;
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: NatsBridgeOptions) {
    if (options?.client === undefined) throw new TypeError('new NatsBridge({ client, stream, subjects }) needs a Baton client.');
    if (typeof options.stream !== 'string' || options.stream.length === 0) throw new TypeError('NatsBridge needs the name of a JetStream stream.');
    if (!Array.isArray(options.subjects) || options.subjects.length === 0) throw new TypeError('NatsBridge needs at least one subject.');
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
  }

  get consumerName(): string {
    return this.#options.consumer ?? `baton-${this.#options.stream}`;
  }

  /** Connects, makes sure the stream and the durable consumer exist, and starts bridging. */
  async start(): Promise<void> {
    if (this.#loop !== undefined) return;
    const o = this.#options;
    this.#connection = o.connection ?? (await connect({ servers: o.servers ?? 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 }));
    this.#ownConnection = o.connection === undefined;
    const jsm = await jetstreamManager(this.#connection);
    if (o.createStream !== false) {
      try {
        await jsm.streams.info(o.stream);
      } catch {
        await jsm.streams.add({ name: o.stream, subjects: o.subjects });
      }
    }
    await jsm.consumers.add(o.stream, {
      durable_name: this.consumerName,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: (o.ackWaitMs ?? 30_000) * NANOS_PER_MS,
      // One subject filters on the server (any version); several read the stream's subjects (servers
      // before 2.10 cannot filter on several), which are these when the bridge made the stream.
      ...(o.subjects.length === 1 ? { filter_subject: o.subjects[0]! } : {}),
    });
    const consumer = await jetstream(this.#connection).consumers.get(o.stream, this.consumerName);
    this.#messages = await consumer.consume({ max_messages: 64 });
    const messages = this.#messages;
    this.#loop = (async () => {
      for await (const message of messages) await this.#handle(message);
    })().catch((error: unknown) => this.#logger.error({ err: error, stream: o.stream }, 'the NATS bridge stopped reading'));
  }

  /** Stops reading; messages in flight are finished first. Closes the connection it opened. */
  async stop(): Promise<void> {
    await this.#messages?.close();
    await this.#loop;
    this.#loop = undefined;
    this.#messages = undefined;
    if (this.#ownConnection) await this.#connection?.drain();
    this.#connection = undefined;
  }

  async #handle(message: JsMsg): Promise<void> {
    this.stats.received++;
    let emitted: { created: boolean };
    try {
      emitted = await this.#store(message);
    } catch (error) {
      if (isBatonError(error) && !error.retryable) {
        // Bad input: it will not get better by trying again.
        this.stats.rejected++;
        this.#logger.warn({ err: error, subject: message.subject, seq: message.seq }, 'NATS message is not a valid event; terminated');
        // (No reason text: servers before 2.10.4 do not take one.)
        message.term();
        return;
      }
      this.stats.retried++;
      this.#logger.warn({ err: error, subject: message.subject, seq: message.seq }, 'storing a NATS message failed; it will be delivered again');
      message.nak(this.#options.retryDelayMs ?? 1000);
      return;
    }
    if (emitted.created) this.stats.stored++;
    else this.stats.duplicates++;
    // Acknowledged only now that the event is stored; if the ack is lost, the redelivery is a duplicate.
    try {
      await message.ackAck();
    } catch (error) {
      this.#logger.warn({ err: error, subject: message.subject, seq: message.seq }, 'acknowledging a NATS message failed; its redelivery will be deduplicated');
    }
  }

  async #store(message: JsMsg): Promise<{ created: boolean }> {
    const o = this.#options;
    const client = o.client;
    const fallbackId = message.headers?.get('Nats-Msg-Id') || `${o.stream}:${message.info.streamSequence}`;
    if (o.toEvent === undefined) {
      const body = parse(message.data);
      if (isCloudEvent(body)) return client.events.emitCloudEvent(body);
      return client.events.emit(message.subject, body, { id: fallbackId, source: o.source ?? `nats:${o.stream}`, time: message.time });
    }
    const event = o.toEvent(message);
    if (event === undefined) return { created: false };
    const options: EmitOptions = { id: event.id ?? fallbackId, source: o.source ?? `nats:${o.stream}`, time: event.time ?? message.time };
    if (event.subject !== undefined) options.subject = event.subject;
    return client.events.emit(event.type, event.data, options);
  }
}

function parse(data: Uint8Array): unknown {
  const text = new TextDecoder().decode(data);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isCloudEvent(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && 'specversion' in body && 'type' in body && 'source' in body && 'id' in body;
}
