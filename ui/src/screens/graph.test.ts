import { describe, expect, it } from "vitest";
import { layout } from "./GraphScreen";

describe("inheritance graph layout", () => {
  it("puts parents above children and numbers each edge with the parent's place", () => {
    const placed = layout([
      { uuid: "a", name: "tpl-a", kind: "template", parents: [] },
      { uuid: "b", name: "tpl-b", kind: "template", parents: [] },
      { uuid: "o", name: "office", kind: "template", parents: ["a", "b"] },
      { uuid: "e", name: "alice", kind: "endpoint", parents: ["o", "missing"] },
    ]);
    const y = Object.fromEntries(placed.nodes.map((n) => [n.uuid, n.y]));
    expect(y.a).toBeLessThan(y.o);
    expect(y.b).toBeLessThan(y.o);
    expect(y.o).toBeLessThan(y.e);
    const edges = placed.edges.map((e) => `${e.from}>${e.to}#${e.order}`).sort();
    expect(edges).toEqual(["a>o#1", "b>o#2", "o>e#1"]);
    expect(placed.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(placed.width).toBeGreaterThan(0);
  });

  it("keeps two edges when a template is listed twice as a parent", () => {
    const placed = layout([
      { uuid: "a", name: "a", kind: "template", parents: [] },
      { uuid: "c", name: "c", kind: "template", parents: ["a", "a"] },
    ]);
    expect(placed.edges.map((e) => e.order).sort()).toEqual([1, 2]);
  });
});
