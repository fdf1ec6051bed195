// The admin's only way to the server: GraphQL over HTTP (POST /graphql) and
// graphql-ws on the same path. The token lives in sessionStorage only.
import { createClient, type Client } from "graphql-ws";
import { FRAGMENTS } from "./documents";

const TOKEN_KEY = "pjsip-graph.token";

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  closeSocket();
}

export interface ApiIssue {
  field: string;
  message: string;
}

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; issues?: ApiIssue[] };
}

export class ApiError extends Error {
  constructor(readonly errors: GraphQLErrorShape[]) {
    super(errors.map((e) => e.message).join("; "));
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }

  /** Every issue with the field it names (`input.options.endpoint[2].key`), the first error's issues first. */
  get issues(): ApiIssue[] {
    const issues: ApiIssue[] = [];
    for (const error of this.errors) {
      const ext = error.extensions ?? {};
      if (ext.issues?.length) issues.push(...ext.issues);
      else if (ext.field) issues.push({ field: ext.field, message: error.message });
    }
    return issues;
  }
}

const fragmentSource = new Map<string, string>();
for (const part of FRAGMENTS.split(/(?=\bfragment\s)/)) {
  const name = /fragment\s+(\w+)/.exec(part)?.[1];
  if (name) fragmentSource.set(name, part.trim());
}

/** The operation with the fragments it spreads (transitively), and no others. */
export function withFragments(operation: string): string {
  const needed = new Set<string>();
  const visit = (text: string) => {
    for (const match of text.matchAll(/\.\.\.\s*(\w+)/g)) {
      const name = match[1];
      if (name === "on" || needed.has(name) || !fragmentSource.has(name)) continue;
      needed.add(name);
      visit(fragmentSource.get(name)!);
    }
  };
  visit(operation);
  return [operation.trim(), ...[...needed].map((n) => fragmentSource.get(n)!)].join("\n");
}

export interface Answer<T> {
  data: T | null;
  errors: GraphQLErrorShape[];
}

/** One GraphQL request; field errors are returned next to the data they spoil. */
export async function requestPartial<T, V extends object = Record<string, never>>(
  document: string,
  variables?: V,
): Promise<Answer<T>> {
  const token = storedToken();
  const response = await fetch("/graphql", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/graphql-response+json, application/json",
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query: withFragments(document), variables: variables ?? {} }),
  });
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) {
    throw new ApiError([{ message: `${response.status}: ${(await response.text()).slice(0, 300)}` }]);
  }
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
  const refused = token ? body.errors?.find((e) => e.extensions?.code === "UNAUTHENTICATED") : undefined;
  if (refused) tokenRejected.forEach((listener) => listener(refused.message));
  return { data: body.data ?? null, errors: body.errors ?? [] };
}

// Told when the server refuses the stored token (revoked, expired, its tenant deleted).
const tokenRejected = new Set<(message: string) => void>();

/** Call ``listener`` whenever the server refuses the stored token; returns the unsubscribe. */
export function onTokenRejected(listener: (message: string) => void): () => void {
  tokenRejected.add(listener);
  return () => {
    tokenRejected.delete(listener);
  };
}

/** One GraphQL request that must succeed entirely. */
export async function request<T, V extends object = Record<string, never>>(document: string, variables?: V): Promise<T> {
  const answer = await requestPartial<T, V>(document, variables);
  if (answer.errors.length || answer.data === null) {
    throw new ApiError(answer.errors.length ? answer.errors : [{ message: "empty answer" }]);
  }
  return answer.data;
}

let socket: Client | null = null;

function closeSocket(): void {
  // A connection the server refused (a token it no longer accepts) makes dispose() reject with
  // the close event: the socket is gone either way.
  void Promise.resolve(socket?.dispose()).catch(() => undefined);
  socket = null;
}

function webSocket(): Client {
  if (socket === null) {
    const url = new URL("/graphql", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    socket = createClient({
      url: url.toString(),
      lazy: true,
      retryAttempts: 20,
      connectionParams: () => ({ Authorization: `Bearer ${storedToken() ?? ""}` }),
    });
  }
  return socket;
}

/** Subscribe with graphql-ws; returns the function that ends the subscription. */
export function subscribe<T, V extends object>(
  document: string,
  variables: V,
  onData: (data: T) => void,
  onError: (error: ApiError) => void,
): () => void {
  return webSocket().subscribe<T>(
    { query: withFragments(document), variables: variables as Record<string, unknown> },
    {
      next: (message) => {
        if (message.errors?.length) onError(new ApiError(message.errors as GraphQLErrorShape[]));
        else if (message.data) onData(message.data);
      },
      error: (error) => onError(new ApiError([{ message: describeSocketError(error) }])),
      complete: () => undefined,
    },
  );
}

function describeSocketError(error: unknown): string {
  if (Array.isArray(error)) return error.map((e: { message?: string }) => e.message ?? String(e)).join("; ");
  if (error instanceof Error) return error.message;
  if (typeof CloseEvent !== "undefined" && error instanceof CloseEvent) return `connection closed (${error.code} ${error.reason})`;
  return String(error);
}
