// An S3-compatible server (s3rver) on a free loopback port, for tests and benchmarks run as a child
// process: `node s3-server-main.mjs <directory> <bucket>` prints {"port":N} once it listens, and
// stops when its standard input closes (so it never outlives the process that started it).
import process from 'node:process';
import S3rver from 's3rver';

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
const address = await server.run();
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().then(() => process.exit(0));
});
