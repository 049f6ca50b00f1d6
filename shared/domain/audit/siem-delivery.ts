import type { SiemDeliveries, SiemSinkRegistry } from '../ports/siem-sinks.ts';
import type { SecureVault } from '../secrets/secure-vault.ts';
import type { AuditEvent } from './event.ts';
import { siemRequest, sinkWants, type SiemRequest, type SiemSink } from './siem-sink.ts';

export interface SiemDeliveryDeps {
  readonly siemSinks: SiemSinkRegistry;
  readonly siemDeliveries: SiemDeliveries;
  readonly vault: SecureVault;
  /** Sends one request; resolves to the HTTP status. */
  readonly post: (request: SiemRequest) => Promise<number>;
  readonly now?: () => number;
}

/** Some of a tenant's sinks did not take an event; the others did and will not get it twice. */
export class SiemDeliveryFailed extends Error {
  override name = 'SiemDeliveryFailed';
  readonly failures: readonly { sinkId: string; reason: string }[];
  constructor(failures: readonly { sinkId: string; reason: string }[]) {
    super(`SIEM sinks did not take the event: ${failures.map((f) => `${f.sinkId} (${f.reason})`).join(', ')}`);
    this.failures = failures;
  }
}

/**
 * The per-tenant SIEM consumer (the same code behind the Lambda and the local pipeline): posts
 * an event to each of its tenant's sinks that wants it, skipping sinks that took it already, and
 * throws SiemDeliveryFailed naming the sinks that did not, so the caller retries (then dead-letters)
 * without posting twice to the others.
 */
export function createSiemDelivery(deps: SiemDeliveryDeps) {
  const now = deps.now ?? Date.now;
  const credentials = new Map<string, string>();

  async function credentialOf(sink: SiemSink): Promise<string> {
    const key = `${sink.tenant}|${sink.id}|${sink.version}`;
    let credential = credentials.get(key);
    if (credential === undefined) {
      credential = await deps.vault.openText('siem-credential', sink.tenant, sink.id, sink.sealedCredential);
      credentials.set(key, credential);
    }
    return credential;
  }

  /** One delivery, as the admin API's "send a test event" also uses it: throws when the sink did not accept it. */
  async function send(sink: SiemSink, event: AuditEvent): Promise<number> {
    const status = await deps.post(siemRequest(sink, await credentialOf(sink), event, now()));
    if (status < 200 || status >= 300) throw new Error(`the sink answered HTTP ${status}`);
    return status;
  }

  return {
    send,
    /**
     * `sinks` reads the tenant's sinks; it may answer a list read after the event was recorded (once per
     * batch, say), never one read before: a sink added is in the list for every event recorded after it.
     */
    async deliver(event: AuditEvent, sinks: Pick<SiemSinkRegistry, 'all'> = deps.siemSinks): Promise<void> {
      const failures: { sinkId: string; reason: string }[] = [];
      for (const sink of (await sinks.all(event.tenant)).filter((s) => sinkWants(s, event))) {
        if (await deps.siemDeliveries.delivered(event.tenant, sink.id, event.id)) continue;
        try {
          await send(sink, event);
          await deps.siemDeliveries.record(event.tenant, sink.id, event.id, now());
        } catch (error) {
          failures.push({ sinkId: sink.id, reason: error instanceof Error ? error.message : String(error) });
        }
      }
      if (failures.length > 0) throw new SiemDeliveryFailed(failures);
    },
  };
}

export type SiemDelivery = ReturnType<typeof createSiemDelivery>;
