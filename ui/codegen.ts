import type { CodegenConfig } from "@graphql-codegen/cli";

// Types of the public schema and of every operation the admin sends.
// `npm run codegen` rewrites src/api/generated.ts; a test fails when it is stale
// (it writes a fresh copy elsewhere, named by CODEGEN_OUTPUT, and compares).
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/api/documents.ts"],
  generates: {
    [process.env.CODEGEN_OUTPUT ?? "src/api/generated.ts"]: {
      plugins: ["typescript", "typescript-operations"],
      config: {
        scalars: { UUID: "string", DateTime: "string" },
        strictScalars: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
        skipTypename: true,
        useTypeImports: true,
      },
    },
  },
};
export default config;
