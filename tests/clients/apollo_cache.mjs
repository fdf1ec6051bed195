// Apollo Client with its default InMemoryCache (no type policies) against the
// server given as the first argument (http URL), with the token given as the
// second. Creates a tenant with a line, reads it through Apollo, changes the
// line's label through an Apollo mutation, and prints one JSON document: the
// cache's keys, the line's Sorcery objects as the network gave them and as the
// cache gives them back, and the label the first query reads after the change.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client/core/index.js";
import { graphql } from "./http.mjs";

const [url, token] = process.argv.slice(2);

const setup = await graphql(
  url,
  token,
  `mutation { createTenant(input: {name: "Apollo cache"}) { tenant { uuid defaultTemplates { general { uuid } } } } }`,
);
const tenant = setup.createTenant.tenant;
const line = await graphql(
  url,
  token,
  `mutation($t: UUID!, $g: UUID!) {
    createEndpoint(input: {tenantUuid: $t, name: "apollo-line", parentUuids: [$g], options: {
      auth: [{key: "username", value: "apollo-line"}, {key: "password", value: "Pass-word-1"}],
      aor: [{key: "max_contacts", value: "2"}]
    }}) { endpoint { uuid } }
  }`,
  { t: tenant.uuid, g: tenant.defaultTemplates.general.uuid },
);

const client = new ApolloClient({
  link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } }),
  cache: new InMemoryCache(),
});

const LINE = gql`
  query Line($t: UUID!, $e: UUID!) {
    tenant(uuid: $t) { id uuid name defaultTemplates { general { id uuid name } } }
    endpoint(uuid: $e) {
      id uuid name label
      parents { id uuid name }
      pjsipObjects { id sorceryType sorceryId fields { key value } }
    }
    templates(tenantUuid: $t) { nodes { id name } }
    endpoints(tenantUuid: $t) { edges { node { id name label } } }
  }
`;
const variables = { t: tenant.uuid, e: line.createEndpoint.endpoint.uuid };
const network = await client.query({ query: LINE, variables, fetchPolicy: "network-only" });
const cached = client.readQuery({ query: LINE, variables });

await client.mutate({
  mutation: gql`
    mutation Relabel($e: UUID!) {
      updateEndpoint(uuid: $e, input: {label: "Relabelled"}) { endpoint { id label } }
    }
  `,
  variables: { e: variables.e },
});
const after = client.readQuery({ query: LINE, variables });

console.log(
  JSON.stringify({
    keys: Object.keys(client.cache.extract()),
    network: network.data.endpoint.pjsipObjects,
    cached: cached.endpoint.pjsipObjects,
    labelAfter: after.endpoint.label,
    listedLabelAfter: after.endpoints.edges.map((e) => e.node.label),
  }),
);
