import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Libxml2 from 'libxml2-wasm';
import type { XmlDocument, XsdValidator } from 'libxml2-wasm';

/**
 * Defence samlify does not give by itself: it validates messages against the SAML schemas only
 * through a validator the application supplies. This one is libxml2 compiled to WebAssembly (no
 * Java, runs in Lambda, in-process) with the SAML 2.0, XML-DSig and XML-Enc schemas that
 * @authenio/samlify-xmllint-wasm ships. The schemas are compiled once per process; a validation
 * then costs tens of microseconds (xmllint-wasm started a worker and recompiled both for every
 * message, ~160 ms of CPU each).
 */

/** Deployed bundles carry the schemas beside them (infra copies them); elsewhere they come from the package. */
export const bundledSchemaDirectory = 'saml-schemas';

function schemaDirectory(): string {
  const beside = fileURLToPath(new URL(`./${bundledSchemaDirectory}/`, import.meta.url));
  if (existsSync(beside)) return beside;
  return path.join(path.dirname(createRequire(import.meta.url).resolve('@authenio/samlify-xmllint-wasm/package.json')), 'build', 'schemas');
}

/** The schemas import each other by file name; libxml2 reads them from memory only, never from the network. */
const schemaUrl = (file: string) => `saml-schemas:/${file}`;

let validator: Promise<{ libxml2: typeof Libxml2; schema: XsdValidator }> | undefined;

/** libxml2 loads on the first message, not at every cold start (its WebAssembly takes ~100 ms to instantiate). */
async function loadValidator() {
  const libxml2 = await import('libxml2-wasm');
  const { XmlBufferInputProvider, XmlDocument, xmlRegisterInputProvider, XsdValidator } = libxml2;
  const directory = schemaDirectory();
  const files = Object.fromEntries(readdirSync(directory).map((file) => [schemaUrl(file), new Uint8Array(readFileSync(path.join(directory, file)))]));
  xmlRegisterInputProvider(new XmlBufferInputProvider(files));
  const entry = schemaUrl('saml-schema-protocol-2.0.xsd');
  // The compiled schema may point into its document: both live as long as the process.
  return { libxml2, schema: XsdValidator.fromDoc(XmlDocument.fromBuffer(files[entry]!, { url: entry })) };
}

export async function validateSamlSchema(xml: string): Promise<true> {
  validator ??= loadValidator().catch((error: unknown) => {
    validator = undefined;
    throw error;
  });
  const { libxml2: { XmlDocument, ParseOption }, schema } = await validator;
  let document: XmlDocument;
  try {
    // Inbound messages were already screened for DTDs and entities; these options keep libxml2 offline regardless.
    document = XmlDocument.fromString(xml, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE });
  } catch {
    throw new Error('ERR_EXCEPTION_VALIDATE_XML');
  }
  try {
    schema.validate(document);
    return true;
  } catch {
    throw new Error('ERR_EXCEPTION_VALIDATE_XML');
  } finally {
    document.dispose();
  }
}
