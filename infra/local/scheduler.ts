import type { FunctionHost } from './function-host.ts';

/**
 * The local twin of the EventBridge Scheduler schedule: invokes the keys function once at
 * start and then every interval. A tick that finds the previous run still going is
 * skipped, so slow runs never pile up.
 */
export function startScheduler(host: FunctionHost, functionName: string, intervalMs: number) {
  let current: Promise<void> | undefined;
  const run = () => {
    if (current) return;
    current = host
      .invoke(functionName, { source: 'local.scheduler', 'detail-type': 'Scheduled Event', time: new Date().toISOString() })
      .then(
        () => undefined,
        (error: unknown) => console.error(`[scheduler] ${functionName} failed:`, error instanceof Error ? error.message : error),
      )
      .finally(() => (current = undefined));
  };
  run();
  const timer = setInterval(run, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}
