// Who the pasted token is: its tenant and the scopes the API lets it use.
// The API has no field naming a token's own scopes, so sign-in sends, next to
// the tenant query, one query per readable scope and notes which are refused
// (write scopes other than tenants:write show themselves when used).
import { ApiError, requestPartial } from "./api/client";
import { ProbeSipReadDocument, ProbeTenantsWriteDocument, SignInDocument } from "./api/documents";
import type { ProbeSipReadQuery, ProbeTenantsWriteQuery, SignInQuery } from "./api/generated";

export interface Identity {
  tenant: { uuid: string; name: string; slug: string } | null;
  scopes: { scope: string; granted: boolean }[];
}

const KEY = "pjsip-graph.identity";

export function storedIdentity(): Identity | null {
  const text = sessionStorage.getItem(KEY);
  return text ? (JSON.parse(text) as Identity) : null;
}

export function storeIdentity(identity: Identity | null): void {
  if (identity) sessionStorage.setItem(KEY, JSON.stringify(identity));
  else sessionStorage.removeItem(KEY);
}

const refused = (errors: { extensions?: { code?: string } }[]) => errors.some((e) => e.extensions?.code === "FORBIDDEN");

/** Sign in: an unknown token throws (UNAUTHENTICATED); a refused query means a missing scope. */
export async function whoAmI(): Promise<Identity> {
  const [own, sip, tokens] = await Promise.all([
    requestPartial<SignInQuery>(SignInDocument),
    requestPartial<ProbeSipReadQuery>(ProbeSipReadDocument),
    requestPartial<ProbeTenantsWriteQuery>(ProbeTenantsWriteDocument),
  ]);
  if (own.errors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) throw new ApiError(own.errors);
  if (own.errors.length && !refused(own.errors)) throw new ApiError(own.errors);
  return {
    tenant: own.data?.own.edges[0]?.node ?? null,
    scopes: [
      { scope: "tenants:read", granted: own.data !== null && !refused(own.errors) },
      { scope: "sip:read", granted: sip.data !== null && !refused(sip.errors) },
      { scope: "tenants:write", granted: tokens.data !== null && !refused(tokens.errors) },
    ],
  };
}
