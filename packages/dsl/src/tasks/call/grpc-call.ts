/**
 * `call: grpc` ("gRPC Call" in the reference): loads the service from the `.proto` resource (fetched
 * over HTTP(S) or read from a `file:` URI), calls the unary `method` of `service` at `host:port` with
 * `arguments`, and returns the response message as JSON (64-bit integers and enums as strings).
 * Plaintext unless the port is 443; `service.authentication` is sent as the `authorization` metadata.
 */
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { standardFault, type StandardErrorKind, type WorkflowFault } from '../../runtime/workflow-fault.js';
import { authorizationHeader } from './authentication.js';
import { configurationFault } from './call-fault.js';
import { isRecord, type CallScope } from './call-context.js';
import { resolveEndpoint } from './endpoint.js';
import { describeCause, exchangeHttp } from './http-exchange.js';

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** gRPC status → the DSL error kind and HTTP status (the usual gRPC/HTTP mapping). */
const STATUS_FAULTS: Partial<Record<grpc.status, [StandardErrorKind, number]>> = {
  [grpc.status.INVALID_ARGUMENT]: ['communication', 400],
  [grpc.status.FAILED_PRECONDITION]: ['communication', 400],
  [grpc.status.OUT_OF_RANGE]: ['communication', 400],
  [grpc.status.UNAUTHENTICATED]: ['authentication', 401],
  [grpc.status.PERMISSION_DENIED]: ['authorization', 403],
  [grpc.status.NOT_FOUND]: ['communication', 404],
  [grpc.status.DEADLINE_EXCEEDED]: ['timeout', 408],
  [grpc.status.ALREADY_EXISTS]: ['communication', 409],
  [grpc.status.ABORTED]: ['communication', 409],
  [grpc.status.RESOURCE_EXHAUSTED]: ['communication', 429],
  [grpc.status.UNIMPLEMENTED]: ['communication', 501],
  [grpc.status.UNAVAILABLE]: ['communication', 503],
};

export async function performGrpcCall(args: Record<string, unknown>, input: unknown, scope: CallScope): Promise<unknown> {
  const service = isRecord(args.service) ? args.service : undefined;
  if (service === undefined || typeof service.name !== 'string' || typeof service.host !== 'string') {
    throw configurationFault('call: grpc needs service.name and service.host', scope);
  }
  if (typeof args.method !== 'string' || args.method === '') throw configurationFault('call: grpc needs a method', scope);
  const method = args.method;
  const port = service.port === undefined ? 443 : Number(service.port);
  const proto = await loadProto(args.proto, input, scope);
  const ServiceClient = findService(proto, service.name, scope);
  if (ServiceClient.service[method] === undefined) {
    throw configurationFault(`the gRPC service ${service.name} has no method ${method} (it has ${Object.keys(ServiceClient.service).join(', ')})`, scope);
  }
  const definition = ServiceClient.service[method];
  if (definition.requestStream || definition.responseStream)
    throw configurationFault(`${service.name}.${method} is a streaming method: only unary calls are supported`, scope);

  const metadata = new grpc.Metadata();
  const authorization = await authorizationHeader(service.authentication, scope);
  if (authorization !== undefined) metadata.set('authorization', authorization);
  const credentials = port === 443 ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  const client = new ServiceClient(`${service.host}:${port}`, credentials);
  try {
    return await new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => call.cancel();
      const call = client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        args.arguments ?? {},
        metadata,
        (error, response) => {
          scope.signal.removeEventListener('abort', onAbort);
          if (scope.signal.aborted) reject(scope.signal.reason);
          else if (error) reject(statusFault(error, `${service.name}.${method} at ${String(service.host)}:${port}`, scope));
          else resolve(response);
        },
      );
      if (scope.signal.aborted) call.cancel();
      else scope.signal.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    client.close();
  }
}

/** The `.proto` resource, parsed into gRPC service constructors. */
async function loadProto(resource: unknown, input: unknown, scope: CallScope): Promise<grpc.GrpcObject> {
  if (!isRecord(resource)) throw configurationFault('call: grpc needs proto.endpoint, the .proto file of the service', scope);
  const endpoint = resolveEndpoint(resource.endpoint, input, 'the gRPC proto', scope.instance);
  let text: string;
  if (endpoint.url.protocol === 'file:') {
    // `file://app/greet.proto` (host "app") is a path relative to the working directory.
    const host = endpoint.url.host === 'localhost' ? '' : endpoint.url.host;
    const path = decodeURIComponent(host ? `${host}${endpoint.url.pathname}` : endpoint.url.pathname);
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      throw configurationFault(`the proto file ${path} cannot be read: ${describeCause(error)}`, scope);
    }
  } else {
    const headers: Record<string, string> = {};
    const authorization = await authorizationHeader(endpoint.authentication, scope);
    if (authorization !== undefined) headers.authorization = authorization;
    const raw = await exchangeHttp({ method: 'get', url: endpoint.url, headers }, { output: 'raw', redirect: true }, scope);
    text = Buffer.from(String(raw), 'base64').toString('utf8');
  }
  try {
    const root = protobuf.parse(text, { keepCase: true }).root;
    return grpc.loadPackageDefinition(protoLoader.fromJSON(root.toJSON(), LOADER_OPTIONS));
  } catch (error) {
    throw configurationFault(`the proto ${endpoint.url.href} does not parse: ${describeCause(error)}`, scope);
  }
}

/** The service constructor for a fully qualified name such as `greeter.Greeter`. */
function findService(proto: grpc.GrpcObject, name: string, scope: CallScope): grpc.ServiceClientConstructor {
  let node: unknown = proto;
  for (const part of name.split('.')) node = isRecord(node) || typeof node === 'function' ? (node as Record<string, unknown>)[part] : undefined;
  if (typeof node !== 'function' || !('service' in node)) throw configurationFault(`the proto declares no service ${name}`, scope);
  return node as grpc.ServiceClientConstructor;
}

function statusFault(error: grpc.ServiceError, target: string, scope: CallScope): WorkflowFault {
  const [kind, status] = STATUS_FAULTS[error.code] ?? ['communication', 500];
  return standardFault(kind, `gRPC ${target} failed with ${grpc.status[error.code] ?? error.code}: ${error.details || error.message}`, {
    status,
    instance: scope.instance,
  });
}
