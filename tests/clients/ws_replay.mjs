// graphql-ws against the server given as the first argument (http URL), with
// the token given as the second: subscribes to sorceryUpdates after a sequence
// number while mutations are recorded before, during and after the switch from
// replay to live. Prints one JSON document: the seqs each mutation recorded,
// in order, and the seqs the subscription delivered.
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { graphql } from "./http.mjs";

const [url, token] = process.argv.slice(2);

const CREATE = `
  mutation($name: String!) {
    createEndpoint(input: {name: $name, options: {
      auth: [{key: "username", value: $name}, {key: "password", value: "Pass-word-1"}],
      aor: [{key: "max_contacts", value: "1"}]
    }}) { changes { sorceryUpdates { seq } } }
  }`;
const create = async (name) =>
  (await graphql(url, token, CREATE, { name })).createEndpoint.changes.sorceryUpdates.map((u) => u.seq);

const head = async () => {
  const updates = (await graphql(url, token, "{ sorceryUpdates(after: 0, first: 500) { seq } }")).sorceryUpdates;
  return updates.length ? updates[updates.length - 1].seq : 0;
};

const start = await head();
const recorded = [];
recorded.push(...(await create("replay-1")), ...(await create("replay-2")));

const delivered = [];
let wanted = 0;
let reached = () => {};
const client = createClient({
  url: url.replace(/^http/, "ws"),
  webSocketImpl: WebSocket,
  connectionParams: { Authorization: `Bearer ${token}` },
});
const finished = new Promise((resolve, reject) => {
  client.subscribe(
    { query: "subscription($after: Int) { sorceryUpdates(after: $after) { seq objectType objectId } }", variables: { after: start } },
    {
      next: ({ data, errors }) => {
        if (errors) return reject(new Error(JSON.stringify(errors)));
        delivered.push(data.sorceryUpdates.seq);
        if (delivered.length >= wanted) reached();
      },
      error: reject,
      complete: resolve,
    },
  );
});
const until = (count) =>
  new Promise((resolve, reject) => {
    wanted = count;
    reached = resolve;
    if (delivered.length >= count) resolve();
    setTimeout(() => reject(new Error(`timed out with ${JSON.stringify(delivered)}, waiting for ${count}`)), 20000);
  });

// One mutation races the replay; the next ones come once the replay is over.
recorded.push(...(await create("racing-1")));
await until(recorded.length);
for (const name of ["live-1", "live-2"]) recorded.push(...(await create(name)));
await until(recorded.length);
// Anything more (a duplicate) would arrive now: give it a moment.
await new Promise((resolve) => setTimeout(resolve, 300));
await client.dispose();
await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 1000))]);
console.log(JSON.stringify({ start, recorded, delivered }));
