import { describe, expect, it } from "vitest";
import {
  addRow,
  checkValue,
  fieldSpec,
  fieldTarget,
  groupRows,
  isTrue,
  moveRow,
  newRow,
  optionsFromRows,
  removeRow,
  rowAtSentIndex,
  rowsFromOptions,
  suggestKey,
  type CatalogOption,
} from "./catalog";

// A catalog with one option of every type the API answers today (custom, boolean, string,
// unsigned, none, integer, codec, double), an accumulating key and a deprecated one.
const option = (name: string, type: string, extra: Partial<CatalogOption> = {}): CatalogOption => ({
  name,
  type,
  default: null,
  enumValues: null,
  multiple: false,
  deprecated: false,
  minimum: null,
  maximum: null,
  secret: false,
  ...extra,
});

const CATALOG: CatalogOption[] = [
  option("dtmf_mode", "custom", { default: "rfc4733", enumValues: ["rfc4733", "inband", "info", "auto"] }),
  option("direct_media", "boolean", { default: "yes" }),
  option("callerid", "string"),
  option("rtp_timeout", "unsigned", { default: "0" }),
  option("context", "none", { default: "default" }),
  option("tos_audio", "integer"),
  option("allow", "codec", { multiple: true }),
  option("rtp_keepalive", "double"),
  option("match", "custom", { multiple: true }),
  option("mailboxes", "string", { deprecated: true }),
  option("set_var", "custom"),
];

describe("fieldSpec: secrets", () => {
  it("carries the catalog's secret flag, an unknown key being no secret", () => {
    expect(fieldSpec("password", [option("password", "string", { secret: true })]).secret).toBe(true);
    expect(fieldSpec("callerid", CATALOG).secret).toBe(false);
    expect(fieldSpec("no_such_key", CATALOG).secret).toBe(false);
  });
});

describe("fieldSpec: one widget per option type", () => {
  it("gives a select to an option with enum values, with its default as placeholder", () => {
    const spec = fieldSpec("dtmf_mode", CATALOG);
    expect(spec.widget).toEqual({ kind: "select", choices: ["rfc4733", "inband", "info", "auto"] });
    expect(spec.placeholder).toBe("rfc4733");
    expect(spec.help).toContain("one of rfc4733, inband, info, auto");
    expect(spec.help).toContain("default rfc4733");
  });

  it("gives a toggle to a boolean", () => {
    const spec = fieldSpec("direct_media", CATALOG);
    expect(spec.widget).toEqual({ kind: "toggle" });
    expect(spec.placeholder).toBe("yes");
  });

  it("gives an integer field from 0 to an unsigned option, unbounded to an integer", () => {
    expect(fieldSpec("rtp_timeout", CATALOG).widget).toEqual({ kind: "integer", min: 0, max: null });
    expect(fieldSpec("rtp_timeout", CATALOG).help).toContain("at least 0");
    expect(fieldSpec("tos_audio", CATALOG).widget).toEqual({ kind: "integer", min: null, max: null });
  });

  it("uses a range the catalog gives", () => {
    const ranged = [option("max_contacts", "unsigned", { minimum: "1", maximum: "100" })];
    const spec = fieldSpec("max_contacts", ranged);
    expect(spec.widget).toEqual({ kind: "integer", min: 1, max: 100 });
    expect(spec.help).toContain("from 1 to 100");
    expect(checkValue(spec, "0")).toBe("must be at least 1");
    expect(checkValue(spec, "101")).toBe("must be at most 100");
    expect(checkValue(spec, "50")).toBeNull();
  });

  it("gives a number field to a double, a codec list field to a codec, text to the rest", () => {
    expect(fieldSpec("rtp_keepalive", CATALOG).widget).toEqual({ kind: "number" });
    expect(fieldSpec("allow", CATALOG).widget).toEqual({ kind: "codecs" });
    expect(fieldSpec("callerid", CATALOG).widget).toEqual({ kind: "text" });
    expect(fieldSpec("context", CATALOG).widget).toEqual({ kind: "text" });
    expect(fieldSpec("set_var", CATALOG).widget).toEqual({ kind: "text" });
  });

  it("shows no placeholder without a default, and the description when the catalog has one", () => {
    expect(fieldSpec("callerid", CATALOG).placeholder).toBe("");
    const described = [option("callerid", "string", { description: "The caller id of the line" })];
    expect(fieldSpec("callerid", described).help.startsWith("The caller id of the line")).toBe(true);
  });

  it("marks accumulating and deprecated keys", () => {
    expect(fieldSpec("allow", CATALOG).multiple).toBe(true);
    expect(fieldSpec("allow", CATALOG).help).toContain("repeat the key");
    expect(fieldSpec("callerid", CATALOG).multiple).toBe(false);
    expect(fieldSpec("mailboxes", CATALOG).deprecated).toBe(true);
  });

  it("treats an unknown key as text and says so", () => {
    const spec = fieldSpec("dtmfmode", CATALOG);
    expect(spec.known).toBe(false);
    expect(spec.widget).toEqual({ kind: "text" });
  });
});

describe("checkValue", () => {
  it("checks enum, boolean, integer and number values", () => {
    expect(checkValue(fieldSpec("dtmf_mode", CATALOG), "info")).toBeNull();
    expect(checkValue(fieldSpec("dtmf_mode", CATALOG), "loud")).toMatch(/one of/);
    expect(checkValue(fieldSpec("direct_media", CATALOG), "no")).toBeNull();
    expect(checkValue(fieldSpec("direct_media", CATALOG), "maybe")).toBe("must be yes or no");
    expect(checkValue(fieldSpec("rtp_timeout", CATALOG), "-1")).toBe("must be at least 0");
    expect(checkValue(fieldSpec("rtp_timeout", CATALOG), "3.5")).toBe("must be a whole number");
    expect(checkValue(fieldSpec("tos_audio", CATALOG), "-4")).toBeNull();
    expect(checkValue(fieldSpec("rtp_keepalive", CATALOG), "x")).toBe("must be a number");
    expect(checkValue(fieldSpec("callerid", CATALOG), "")).toMatch(/enter a value/);
  });

  it("reads Asterisk's words for true", () => {
    expect(["yes", "on", "1", "true"].every(isTrue)).toBe(true);
    expect(["no", "off", "0", ""].some(isTrue)).toBe(false);
  });
});

describe("accumulating keys as ordered repeatable rows", () => {
  it("adds a new value of an accumulating key after its last value, in order", () => {
    let rows = rowsFromOptions([
      { key: "allow", value: "ulaw" },
      { key: "callerid", value: "A <1>" },
    ]);
    rows = addRow(rows, "allow", CATALOG, "opus");
    rows = addRow(rows, "allow", CATALOG, "g722");
    expect(optionsFromRows(rows)).toEqual([
      { key: "allow", value: "ulaw" },
      { key: "allow", value: "opus" },
      { key: "allow", value: "g722" },
      { key: "callerid", value: "A <1>" },
    ]);
  });

  it("does not add a single key twice", () => {
    const rows = rowsFromOptions([{ key: "callerid", value: "A" }]);
    expect(addRow(rows, "callerid", CATALOG)).toHaveLength(1);
  });

  it("moves a value among the values of its key only", () => {
    const rows = rowsFromOptions([
      { key: "match", value: "10.0.0.1" },
      { key: "callerid", value: "A" },
      { key: "match", value: "10.0.0.2" },
    ]);
    const moved = moveRow(rows, rows[2].id, -1);
    expect(optionsFromRows(moved).map((o) => o.value)).toEqual(["10.0.0.2", "A", "10.0.0.1"]);
    expect(moveRow(rows, rows[0].id, -1)).toEqual(rows);
  });

  it("groups rows by key in first-seen order", () => {
    const rows = rowsFromOptions([
      { key: "match", value: "1" },
      { key: "callerid", value: "A" },
      { key: "match", value: "2" },
    ]);
    const groups = groupRows(rows, CATALOG);
    expect(groups.map((g) => [g.key, g.rows.map((r) => r.value)])).toEqual([
      ["match", ["1", "2"]],
      ["callerid", ["A"]],
    ]);
    expect(groups[0].spec.multiple).toBe(true);
  });

  it("leaves rows without a key out of what is sent, and removes rows", () => {
    const rows = [newRow("callerid", "A"), newRow("", "x"), newRow("allow", "ulaw")];
    expect(optionsFromRows(rows)).toEqual([
      { key: "callerid", value: "A" },
      { key: "allow", value: "ulaw" },
    ]);
    expect(rowAtSentIndex(rows, 1)).toBe(rows[2].id);
    expect(optionsFromRows(removeRow(rows, rows[0].id))).toEqual([{ key: "allow", value: "ulaw" }]);
  });
});

describe("did you mean", () => {
  it("suggests the documented key for a misspelling", () => {
    expect(suggestKey("dtmfmode", CATALOG)).toBe("dtmf_mode");
    expect(suggestKey("DTMF-MODE", CATALOG)).toBe("dtmf_mode");
    expect(suggestKey("calleridd", CATALOG)).toBe("callerid");
    expect(suggestKey("callerid", CATALOG)).toBeNull();
    expect(suggestKey("zzzz", CATALOG)).toBeNull();
  });
});

describe("API errors next to the field", () => {
  it("reads extensions.field", () => {
    expect(fieldTarget("input.options.endpoint[3].key")).toEqual({ section: "endpoint", index: 3, part: "key" });
    expect(fieldTarget("input.options.outboundAuth[0].value")).toEqual({
      section: "outboundAuth",
      index: 0,
      part: "value",
    });
    expect(fieldTarget("input.name")).toBeNull();
  });
});
