/** Random keys the platform itself holds (e.g. the CSRF token key), created once, read by every function. */
export interface PlatformSecrets {
  get(name: string): Promise<Buffer>;
}
