import type { FunctionHost } from './function-host.ts';

/**
 * The local twin of the EventBridge Scheduler schedule: invokes the keys function once at
 * start and then every interval, one run at a time.
 */
export function startScheduler(host: FunctionHost, functionName: string, intervalMs: number) {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(async () => {
      try {
        await host.invoke(functionName, { source: 'local.scheduler', 'detail-type': 'Scheduled Event', time: new Date().toISOString() });
      } catch (error) {
        console.error(`[scheduler] ${functionName} failed:`, error);
      }
    });
  };
  run();
  const timer = setInterval(run, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
