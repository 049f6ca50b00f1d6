/** The scope a data key is bound to: KMS sees it as the encryption context. */
export interface KeyScope {
  readonly tenant: string;
  readonly purpose: string;
}

export interface DataKey {
  readonly plaintext: Buffer;
  readonly wrapped: Buffer;
}

/** Where data keys come from: AWS KMS in the cloud, the software keystore locally. */
export interface DataKeySource {
  generate(scope: KeyScope): Promise<DataKey>;
  unwrap(wrapped: Buffer, scope: KeyScope): Promise<Buffer>;
  check(): Promise<void>;
}
