// graphql-codegen's TypeScript types for the schema file given as the first
// argument, written with a small module that uses them into the folder given
// as the second argument, then type-checked with tsc in strict mode.
// Prints one JSON document: tsc's exit code and output, and the generated text.
import { codegen } from "@graphql-codegen/core";
import * as typescriptPlugin from "@graphql-codegen/typescript";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, parse, printSchema } from "graphql";

const [schemaFile, outDir] = process.argv.slice(2);
const schema = buildSchema(readFileSync(schemaFile, "utf8"));

const generated = await codegen({
  filename: "schema-types.ts",
  schema: parse(printSchema(schema)),
  schemaAst: schema,
  documents: [],
  config: { scalars: { UUID: "string", DateTime: "string" }, strictScalars: true, enumsAsTypes: false },
  plugins: [{ typescript: {} }],
  pluginMap: { typescript: typescriptPlugin },
});
writeFileSync(join(outDir, "schema-types.ts"), generated);

// What a frontend writes with the types: this must compile against them.
writeFileSync(join(outDir, "usage.ts"), `
import { SipSection } from "./schema-types";
import type { Node, Query, QueryNodeArgs, SipEndpoint, SorceryObject, Tenant } from "./schema-types";

const uuid: string = ({} as Tenant).uuid;
const created: string = ({} as SipEndpoint).createdAt;
const objects: SorceryObject[] = ({} as SipEndpoint).sorceryObjects;
const ids: string[] = objects.map((o) => o.id);
const auth: SipSection = SipSection.Auth;
const node: Node | null | undefined = ({} as Query).node;
const args: QueryNodeArgs = { id: "opaque" };
export { uuid, created, ids, auth, node, args };
`);

const tsc = spawnSync(
  process.execPath,
  ["node_modules/typescript/bin/tsc", "--strict", "--noEmit", "--target", "es2022", "--module", "es2022",
   "--moduleResolution", "bundler", join(outDir, "schema-types.ts"), join(outDir, "usage.ts")],
  { encoding: "utf8" },
);
console.log(JSON.stringify({ status: tsc.status, output: tsc.stdout + tsc.stderr, generated }));
