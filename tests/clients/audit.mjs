// The GraphQL-over-HTTP audit of the graphql-http reference package, against
// the server given as the first argument. Prints one JSON line per audit.
import { auditServer } from "graphql-http";

const url = process.argv[2];
const results = await auditServer({ url, fetchFn: fetch });
for (const result of results) {
  console.log(JSON.stringify({ id: result.id, name: result.name, status: result.status, reason: result.reason ?? null }));
}
