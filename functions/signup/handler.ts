import { createSignupFunction, portsFromEnvironment } from './app.ts';

export const handler = createSignupFunction(portsFromEnvironment);
