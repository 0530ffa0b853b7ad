// The image's HEALTHCHECK: healthy once the node is ready (joined the cluster and reached its store), as its admin
// endpoint's /readyz says. Node, not curl: the slim image has no curl, and one process less to keep patched.
const port = process.env.PACKETFLOW_ADMIN_PORT;
if (!port) {
  console.error('PACKETFLOW_ADMIN_PORT is not set: the node has no admin endpoint to ask');
  process.exit(1);
}
try {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
  if (!response.ok) {
    console.error(`/readyz answered ${response.status}: ${(await response.text()).trim()}`);
    process.exit(1);
  }
} catch (error) {
  console.error(`/readyz did not answer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
