import { describe, expect, it } from "vitest";
import type { ConfigDetailFragment } from "../api/generated";
import { newRow } from "../form/catalog";
import { changesOf, draftOf, rebase } from "./ConfigEditor";

const empty = { endpoint: [], aor: [], auth: [], identify: [], registration: [], registrationOutboundAuth: [], outboundAuth: [] };

function config(revision: number, own: Partial<ConfigDetailFragment["own"]>, extra: Partial<ConfigDetailFragment> = {}) {
  return {
    uuid: "u",
    kind: "ENDPOINT",
    name: "alice",
    label: null,
    revision,
    updatedAt: "2026-12-05T10:00:00+00:00",
    tenant: { uuid: "t", name: "T" },
    parents: [{ uuid: "p1", name: "one" }],
    own: { ...empty, ...own },
    resolved: { ...empty },
    ...extra,
  } as ConfigDetailFragment;
}

describe("what a save sends", () => {
  it("sends nothing for an unchanged draft", () => {
    const base = config(1, { endpoint: [{ key: "context", value: "a" }] });
    expect(changesOf(base, draftOf(base))).toEqual({});
  });

  it("sends only the changed fields and the whole of each changed section", () => {
    const base = config(1, { endpoint: [{ key: "context", value: "a" }, { key: "allow", value: "ulaw" }], aor: [{ key: "max_contacts", value: "1" }] });
    const draft = draftOf(base);
    draft.label = "  Front desk ";
    draft.parents = [...draft.parents, { uuid: "p2", name: "two" }];
    draft.rows.endpoint = [...draft.rows.endpoint, newRow("allow", "opus"), newRow("", "ignored")];
    expect(changesOf(base, draft)).toEqual({
      label: "Front desk",
      parentUuids: ["p1", "p2"],
      options: {
        endpoint: [
          { key: "context", value: "a" },
          { key: "allow", value: "ulaw" },
          { key: "allow", value: "opus" },
        ],
      },
    });
  });

  it("clears a label with null and empties a section with []", () => {
    const base = config(1, { auth: [{ key: "username", value: "a" }] }, { label: "old" });
    const draft = draftOf(base);
    draft.label = "";
    draft.rows.auth = [];
    expect(changesOf(base, draft)).toEqual({ label: null, options: { auth: [] } });
  });
});

describe("applying my changes on a newer revision", () => {
  it("keeps what I changed and takes the stored value of everything else", () => {
    const base = config(1, { endpoint: [{ key: "context", value: "a" }], aor: [{ key: "max_contacts", value: "1" }] });
    const mine = draftOf(base);
    mine.rows.endpoint = [newRow("context", "mine")];
    const theirs = config(2, { endpoint: [{ key: "context", value: "a" }], aor: [{ key: "max_contacts", value: "5" }] }, { label: "theirs" });
    const rebased = rebase(base, mine, theirs);
    expect(changesOf(theirs, rebased)).toEqual({ options: { endpoint: [{ key: "context", value: "mine" }] } });
    expect(rebased.label).toBe("theirs");
  });
});
