import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { validateXML } from 'xmllint-wasm';

/**
 * Defence samlify does not give by itself: it validates messages against the SAML schemas only
 * through a validator the application supplies. This one is xmllint compiled to WebAssembly
 * (no Java, runs in Lambda) with the SAML 2.0, XML-DSig and XML-Enc schemas that
 * @authenio/samlify-xmllint-wasm ships; they are read once per process.
 */
const schemaFiles = ['saml-schema-protocol-2.0.xsd', 'datatypes.dtd', 'saml-schema-assertion-2.0.xsd', 'xmldsig-core-schema.xsd', 'XMLSchema.dtd', 'xenc-schema.xsd'];

let schemas: { fileName: string; contents: string }[] | undefined;

function loadSchemas() {
  if (!schemas) {
    const directory = path.join(path.dirname(createRequire(import.meta.url).resolve('@authenio/samlify-xmllint-wasm/package.json')), 'build', 'schemas');
    schemas = schemaFiles.map((fileName) => ({ fileName, contents: readFileSync(path.join(directory, fileName), 'utf8') }));
  }
  return schemas;
}

export async function validateSamlSchema(xml: string): Promise<true> {
  const [schema, ...preload] = loadSchemas();
  const result = await validateXML({ xml: [{ fileName: 'message.xml', contents: xml }], extension: 'schema', schema: [schema!.contents], preload });
  if (!result.valid) throw new Error('ERR_EXCEPTION_VALIDATE_XML');
  return true;
}
