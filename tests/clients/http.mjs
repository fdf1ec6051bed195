// One GraphQL request over HTTP with the token; fails on any GraphQL error.
export async function graphql(url, token, query, variables = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(`${query.trim().split("\n")[0]}: ${JSON.stringify(body.errors)}`);
  return body.data;
}
