// A cluster member in a child process for the cluster benchmarks: hosts `sink` actors. Configured by environment:
// NODE_ID, PORT, and either MEMBERS (JSON list for static membership) or REDIS_URL and CLUSTER.
import { ActorSystem, Cluster, type MemberInfo, RedisMembership, StaticMembership } from '@packetflow/actors';
import { benchRegistry, SECRET, sink } from './bench-messages.js';

const nodeId = process.env.NODE_ID ?? 'bench-node';
const system = await ActorSystem.start({ nodeId });
system.register('sink', sink);
const membership = process.env.REDIS_URL
  ? new RedisMembership({ url: process.env.REDIS_URL, cluster: process.env.CLUSTER ?? 'bench' })
  : new StaticMembership(JSON.parse(process.env.MEMBERS ?? '[]') as MemberInfo[]);
const cluster = await Cluster.join(system, {
  secret: SECRET,
  membership,
  roles: ['sink'],
  port: Number(process.env.PORT ?? 0),
  registry: benchRegistry(),
});
process.stdout.write(`${JSON.stringify({ ready: cluster.address })}\n`);
process.once('SIGTERM', () => void cluster.leave().then(() => process.exit(0)));
