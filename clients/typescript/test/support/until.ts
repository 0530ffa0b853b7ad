/**
 * Waits for a condition polled every 5 ms, with a deadline that suits the test: a few seconds against one gateway,
 * longer where gateways are killed and started again.
 */
export function waiter(defaultTimeoutMs: number) {
  return (condition: () => boolean, what: string, timeoutMs = defaultTimeoutMs): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const poll = (): void => {
        if (condition()) resolve();
        else if (Date.now() > deadline) reject(new Error(`timed out waiting for ${what}`));
        else setTimeout(poll, 5);
      };
      poll();
    });
  };
}
