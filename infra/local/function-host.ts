import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import type { FunctionDefinition } from '../functions.ts';
import { lambdaContext } from './lambda-context.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Loads each function's handler.ts on first use, as Lambda would cold-start it, and
 * invokes it with a Lambda context; the same module serves every later invocation.
 */
export function createFunctionHost(definitions: readonly FunctionDefinition[], root: string) {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  const loaded = new Map<string, Promise<Handler>>();

  function load(definition: FunctionDefinition): Promise<Handler> {
    let handler = loaded.get(definition.name);
    if (!handler) {
      handler = import(pathToFileURL(resolve(root, definition.entry)).href).then((module: { handler: Handler }) => module.handler);
      loaded.set(definition.name, handler);
    }
    return handler;
  }

  return {
    async invoke(functionName: string, event: unknown): Promise<unknown> {
      const definition = byName.get(functionName);
      if (!definition) throw new Error(`no function named ${functionName}`);
      const handler = await load(definition);
      // Lambda ends an invocation at the function's timeout; so does the local host.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${functionName}: Task timed out after ${definition.timeoutSeconds} seconds`)), definition.timeoutSeconds * 1000);
      });
      try {
        return await Promise.race([handler(event, lambdaContext(definition.name, definition.timeoutSeconds, definition.memorySize)), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type FunctionHost = ReturnType<typeof createFunctionHost>;
