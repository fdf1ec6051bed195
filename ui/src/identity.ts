// Who the pasted token is: its tenant and the scopes it holds, from the API's `viewer`.
import { ApiError, requestPartial } from "./api/client";
import { SignInDocument } from "./api/documents";
import type { SignInQuery } from "./api/generated";

export interface Identity {
  tenant: { uuid: string; name: string; slug: string } | null;
  scopes: { scope: string; granted: boolean }[];
}

const SCOPES = ["tenants:read", "tenants:write", "sip:read", "sip:write", "secrets:read", "engine:admin"];
const KEY = "pjsip-graph.identity";

export function storedIdentity(): Identity | null {
  const text = sessionStorage.getItem(KEY);
  return text ? (JSON.parse(text) as Identity) : null;
}

export function storeIdentity(identity: Identity | null): void {
  if (identity) sessionStorage.setItem(KEY, JSON.stringify(identity));
  else sessionStorage.removeItem(KEY);
}

/** Sign in with one request: an unknown token throws (UNAUTHENTICATED). */
export async function whoAmI(): Promise<Identity> {
  const answer = await requestPartial<SignInQuery>(SignInDocument);
  if (answer.errors.length || !answer.data) throw new ApiError(answer.errors);
  const { viewer } = answer.data;
  return {
    tenant: viewer.tenant,
    scopes: SCOPES.map((scope) => ({ scope, granted: viewer.scopes.includes(scope) })),
  };
}
