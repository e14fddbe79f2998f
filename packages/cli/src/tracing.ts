/**
 * Tracing for the long-running commands (`baton dev`, `baton start`, `baton worker`): spans go to an
 * OTLP/HTTP (JSON) collector when the standard OpenTelemetry variables ask for it, and stay off
 * (no SDK, no cost) otherwise.
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

type Env = Readonly<Record<string, string | undefined>>;

export interface Tracing {
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

const set = (value: string | undefined): boolean => value !== undefined && value.trim().length > 0;

/**
 * Whether to export spans: not with OTEL_SDK_DISABLED=true; when OTEL_TRACES_EXPORTER is set, only
 * if it names otlp; otherwise when an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set.
 */
export function tracingWanted(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (set(env.OTEL_TRACES_EXPORTER)) return env.OTEL_TRACES_EXPORTER!.split(',').some((name) => name.trim().toLowerCase() === 'otlp');
  return set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Registers a tracer provider for the process when `tracingWanted`, named by OTEL_SERVICE_NAME (default
 * `baton`; OTEL_RESOURCE_ATTRIBUTES adds to it). The exporter reads the OTEL_EXPORTER_OTLP_* variables
 * (endpoint, headers, timeout) itself; OTEL_TRACES_SAMPLER chooses the sampler.
 */
export function startTracing(env: Env): Tracing | undefined {
  if (!tracingWanted(env)) return undefined;
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'baton' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())] });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}
