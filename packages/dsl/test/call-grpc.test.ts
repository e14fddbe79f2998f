/** `call: grpc` against a real local grpc-js server, with the .proto served over loopback HTTP and from a file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StandardError } from '../src/runtime/workflow-fault.js';
import { call, faultOf } from './support/call-harness.js';

const PROTO = `
syntax = "proto3";
package greeter;

service Greeter {
  rpc SayHello (HelloRequest) returns (HelloReply);
  rpc Find (HelloRequest) returns (HelloReply);
  rpc Whoami (HelloRequest) returns (HelloReply);
  rpc Wait (HelloRequest) returns (HelloReply);
  rpc Chat (stream HelloRequest) returns (stream HelloReply);
}

message HelloRequest {
  string name = 1;
  int64 times = 2;
}

message HelloReply {
  string message = 1;
  int64 count = 2;
  Mood mood = 3;
}

enum Mood {
  CALM = 0;
  HAPPY = 1;
}
`;

let server: grpc.Server;
let port: number;
let protoServer: Server;
let protoUrl: string;
let directory: string;
let waitCancelled!: () => void;
const cancelled = new Promise<void>((resolve) => (waitCancelled = resolve));
let waitReceived!: () => void;
const received = new Promise<void>((resolve) => (waitReceived = resolve));

type Unary = grpc.handleUnaryCall<{ name: string; times: string }, Record<string, unknown>>;

beforeAll(async () => {
  const definition = protoLoader.fromJSON(protobuf.parse(PROTO, { keepCase: true }).root.toJSON(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const greeter = (grpc.loadPackageDefinition(definition).greeter as grpc.GrpcObject).Greeter as grpc.ServiceClientConstructor;
  server = new grpc.Server();
  const sayHello: Unary = (call, callback) => callback(null, { message: `Hello, ${call.request.name}`, count: call.request.times, mood: 'HAPPY' });
  const find: Unary = (call, callback) => callback({ code: grpc.status.NOT_FOUND, details: `no ${call.request.name}` });
  const whoami: Unary = (call, callback) => {
    const authorization = call.metadata.get('authorization')[0];
    if (authorization === undefined) return callback({ code: grpc.status.UNAUTHENTICATED, details: 'no credentials' });
    callback(null, { message: String(authorization) });
  };
  const wait: Unary = (call) => {
    call.on('cancelled', waitCancelled);
    waitReceived();
  };
  server.addService(greeter.service, { SayHello: sayHello, Find: find, Whoami: whoami, Wait: wait, Chat: () => undefined });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  protoServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(PROTO);
  });
  await new Promise<void>((resolve) => protoServer.listen(0, '127.0.0.1', resolve));
  protoUrl = `http://127.0.0.1:${(protoServer.address() as AddressInfo).port}/greet.proto`;
  directory = await mkdtemp(join(tmpdir(), 'baton-grpc-'));
  await writeFile(join(directory, 'greet.proto'), PROTO);
});

afterAll(async () => {
  server.forceShutdown();
  await new Promise((resolve) => protoServer.close(resolve));
  await rm(directory, { recursive: true, force: true });
});

const grpcCall = (method: string, args: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, signal?: AbortSignal) =>
  call(
    {
      call: 'grpc',
      with: { proto: { endpoint: protoUrl }, service: { name: 'greeter.Greeter', host: '127.0.0.1', port, ...extra }, method, arguments: args },
      reference: '/do/0/greet',
    },
    signal ? { signal } : {},
  );

describe('call: grpc', () => {
  it('calls a unary method with the proto fetched over HTTP, and from a file: URI', async () => {
    expect(await grpcCall('SayHello', { name: 'Ada', times: 3 })).toEqual({ message: 'Hello, Ada', count: '3', mood: 'HAPPY' });
    const fromFile = await call({
      call: 'grpc',
      with: {
        proto: { endpoint: pathToFileURL(join(directory, 'greet.proto')).href },
        service: { name: 'greeter.Greeter', host: '127.0.0.1', port },
        method: 'SayHello',
        arguments: { name: 'Bo' },
      },
      reference: '/do/0/greet',
    });
    expect(fromFile).toMatchObject({ message: 'Hello, Bo' });
  });

  it('maps gRPC statuses to DSL faults', async () => {
    expect(await faultOf(grpcCall('Find', { name: 'x' }))).toMatchObject({ type: StandardError.communication.type, status: 404, instance: '/do/0/greet' });
    expect(await faultOf(grpcCall('Whoami'))).toMatchObject({ type: StandardError.authentication.type, status: 401 });
  });

  it('sends the service authentication policy as authorization metadata', async () => {
    expect(await grpcCall('Whoami', {}, { authentication: { bearer: { token: 't0k' } } })).toMatchObject({ message: 'Bearer t0k' });
  });

  it('faults on configuration errors: unknown service or method, streaming, unreachable host', async () => {
    expect((await faultOf(grpcCall('Nope'))).detail).toContain('has no method Nope');
    expect((await faultOf(grpcCall('Chat'))).detail).toContain('streaming');
    const unknownService = await faultOf(
      call({ call: 'grpc', with: { proto: { endpoint: protoUrl }, service: { name: 'greeter.Other', host: '127.0.0.1', port }, method: 'SayHello' } }),
    );
    expect(unknownService).toMatchObject({ type: StandardError.configuration.type });
    const closed = new grpc.Server();
    const closedPort = await new Promise<number>((resolve, reject) =>
      closed.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    closed.forceShutdown();
    const unreachable = await faultOf(
      call({
        call: 'grpc',
        with: { proto: { endpoint: protoUrl }, service: { name: 'greeter.Greeter', host: '127.0.0.1', port: closedPort }, method: 'SayHello' },
      }),
    );
    expect(unreachable).toMatchObject({ type: StandardError.communication.type, status: 503 });
  });

  it('cancels the call when its signal aborts', async () => {
    const controller = new AbortController();
    const pending = grpcCall('Wait', { name: 'x' }, {}, controller.signal);
    await received;
    const reason = new Error('run cancelled');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await cancelled;
  });
});
