import { useRuntimeEnvironment } from '../support/aws-env.ts';
import { startRuntime, type RuntimeProcess } from '../support/runtime.ts';

/** Runs a benchmark against a fresh local runtime (errors-only logs), this process pointed at it; stops it afterwards. */
export async function withQuietRuntime<T>(work: (runtime: RuntimeProcess) => Promise<T>): Promise<T> {
  const runtime = await startRuntime({ env: { POWERTOOLS_LOG_LEVEL: 'ERROR' } });
  try {
    useRuntimeEnvironment(runtime);
    return await work(runtime);
  } finally {
    await runtime.stop();
  }
}
