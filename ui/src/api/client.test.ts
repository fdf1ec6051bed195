import { describe, expect, it } from "vitest";
import { withFragments } from "./client";
import { ConfigEditorDocument, DeleteTenantDocument, SignInDocument } from "./documents";

const fragmentNames = (document: string) => [...document.matchAll(/fragment (\w+) on/g)].map((m) => m[1]).sort();

describe("withFragments", () => {
  it("appends the fragments an operation spreads, transitively, and no other", () => {
    expect(fragmentNames(withFragments(ConfigEditorDocument))).toEqual(
      ["Catalog", "ConfigDetail", "OwnSections", "ResolvedOption", "ResolvedSections"].sort(),
    );
    expect(fragmentNames(withFragments(DeleteTenantDocument))).toEqual(["Changes"]);
    expect(fragmentNames(withFragments(SignInDocument))).toEqual([]);
  });

  it("does not mistake an inline fragment for a named one", () => {
    expect(withFragments("query Q { node(id: \"x\") { ... on Tenant { uuid } } }")).not.toContain("fragment");
  });
});
