// Form generation from the option catalog (`optionCatalog`), with no React in
// it so that every rule is unit-tested: which widget an option gets, its
// placeholder and help, how accumulating keys become ordered repeatable rows,
// client-side checks, "did you mean" for unknown keys, and where an API error
// (`extensions.field`) belongs in the form.
import type { CatalogFragment, SipOptionInput, SipSection } from "../api/generated";

export type SectionName =
  | "endpoint"
  | "aor"
  | "auth"
  | "identify"
  | "registration"
  | "registrationOutboundAuth"
  | "outboundAuth";

export interface SectionInfo {
  name: SectionName;
  label: string;
  section: SipSection;
}

export const SECTIONS: readonly SectionInfo[] = [
  { name: "endpoint", label: "Endpoint", section: "ENDPOINT" },
  { name: "aor", label: "AOR", section: "AOR" },
  { name: "auth", label: "Auth", section: "AUTH" },
  { name: "identify", label: "Identify", section: "IDENTIFY" },
  { name: "registration", label: "Registration", section: "REGISTRATION" },
  { name: "registrationOutboundAuth", label: "Registration outbound auth", section: "REGISTRATION_OUTBOUND_AUTH" },
  { name: "outboundAuth", label: "Outbound auth", section: "OUTBOUND_AUTH" },
];

export type CatalogOption = CatalogFragment & { description?: string | null };

/** A bound the catalog gives as text (unsigned bounds go beyond a GraphQL Int). */
function bound(value: string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export type Widget =
  | { kind: "select"; choices: string[] }
  | { kind: "toggle" }
  | { kind: "integer"; min: number | null; max: number | null }
  | { kind: "number" }
  | { kind: "codecs" }
  | { kind: "text" };

export interface FieldSpec {
  key: string;
  known: boolean;
  widget: Widget;
  /** The default, shown as the empty field's placeholder. */
  placeholder: string;
  help: string;
  multiple: boolean;
  deprecated: boolean;
  /** A password or key: kept off screen until asked for. */
  secret: boolean;
}

const TRUE_WORDS = ["yes", "true", "y", "t", "1", "on"];
const FALSE_WORDS = ["no", "false", "n", "f", "0", "off"];

export function isTrue(value: string): boolean {
  return TRUE_WORDS.includes(value.trim().toLowerCase());
}

function widgetFor(option: CatalogOption): Widget {
  if (option.enumValues && option.enumValues.length > 0) return { kind: "select", choices: [...option.enumValues] };
  switch (option.type) {
    case "boolean":
      return { kind: "toggle" };
    case "unsigned":
      return { kind: "integer", min: bound(option.minimum) ?? 0, max: bound(option.maximum) };
    case "integer":
      return { kind: "integer", min: bound(option.minimum), max: bound(option.maximum) };
    case "double":
      return { kind: "number" };
    case "codec":
      return { kind: "codecs" };
    default:
      return { kind: "text" };
  }
}

function describeType(option: CatalogOption, widget: Widget): string {
  switch (widget.kind) {
    case "select":
      return `one of ${widget.choices.join(", ")}`;
    case "toggle":
      return "yes or no";
    case "integer": {
      const { min, max } = widget;
      if (min !== null && max !== null) return `a whole number from ${min} to ${max}`;
      if (min !== null) return `a whole number, at least ${min}`;
      if (max !== null) return `a whole number, at most ${max}`;
      return "a whole number";
    }
    case "number":
      return "a number";
    case "codecs":
      return "codec names separated by commas (e.g. !all,ulaw,opus)";
    default:
      return option.type === "string" ? "text" : `text (${option.type})`;
  }
}

/** How the form shows one key of an object type; unknown keys get a plain text field. */
export function fieldSpec(key: string, catalog: readonly CatalogOption[]): FieldSpec {
  const option = catalog.find((o) => o.name === key);
  if (!option) {
    return {
      key,
      known: false,
      widget: { kind: "text" },
      placeholder: "",
      help: "not a documented option of this section",
      multiple: false,
      deprecated: false,
      secret: false,
    };
  }
  const widget = widgetFor(option);
  const parts = [option.description?.trim() || null, describeType(option, widget)];
  if (option.default !== null && option.default !== "") parts.push(`default ${option.default}`);
  if (option.multiple) parts.push("repeat the key to add values, in order");
  if (option.deprecated) parts.push("deprecated");
  return {
    key,
    known: true,
    widget,
    placeholder: option.default ?? "",
    help: parts.filter(Boolean).join("; "),
    multiple: option.multiple,
    deprecated: option.deprecated,
    secret: option.secret,
  };
}

/** A problem with a value, checked the way the server would, or null. Empty means "not set yet". */
export function checkValue(spec: FieldSpec, value: string): string | null {
  const text = value.trim();
  if (text === "") return spec.known ? "enter a value or remove the row" : null;
  const widget = spec.widget;
  switch (widget.kind) {
    case "select":
      return widget.choices.includes(text) ? null : `must be one of ${widget.choices.join(", ")}`;
    case "toggle":
      return TRUE_WORDS.includes(text.toLowerCase()) || FALSE_WORDS.includes(text.toLowerCase())
        ? null
        : "must be yes or no";
    case "integer": {
      if (!/^-?\d+$/.test(text)) return "must be a whole number";
      const n = Number(text);
      if (widget.min !== null && n < widget.min) return `must be at least ${widget.min}`;
      if (widget.max !== null && n > widget.max) return `must be at most ${widget.max}`;
      return null;
    }
    case "number":
      return Number.isFinite(Number(text)) ? null : "must be a number";
    default:
      return null;
  }
}

function squash(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, "");
}

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0];
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j];
      previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** The documented key an unknown one most likely means, or null. */
export function suggestKey(key: string, catalog: readonly CatalogOption[]): string | null {
  const wanted = key.trim();
  if (!wanted || catalog.some((o) => o.name === wanted)) return null;
  const squashed = catalog.find((o) => squash(o.name) === squash(wanted));
  if (squashed) return squashed.name;
  let best: { name: string; score: number } | null = null;
  for (const option of catalog) {
    const d = distance(wanted.toLowerCase(), option.name);
    const score = 1 - d / Math.max(wanted.length, option.name.length);
    if (score >= 0.75 && (best === null || score > best.score)) best = { name: option.name, score };
  }
  return best?.name ?? null;
}

// ---- rows: a section's own options as the form edits them -------------------------------------

export interface Row {
  id: number;
  key: string;
  value: string;
}

let nextId = 1;

export function newRow(key = "", value = ""): Row {
  return { id: nextId++, key, value };
}

export function rowsFromOptions(options: readonly { key: string; value: string }[]): Row[] {
  return options.map((o) => newRow(o.key, o.value));
}

/** The section as the API takes it, in row order; rows without a key are left out. */
export function optionsFromRows(rows: readonly Row[]): SipOptionInput[] {
  return rows.filter((r) => r.key.trim() !== "").map((r) => ({ key: r.key.trim(), value: r.value }));
}

/**
 * Add a row. An accumulating key's new row goes right after the key's last row (its values stay
 * together and in order); a single key that already has a row is not added twice.
 */
export function addRow(rows: readonly Row[], key: string, catalog: readonly CatalogOption[], value = ""): Row[] {
  const spec = fieldSpec(key, catalog);
  const last = rows.map((r) => r.key).lastIndexOf(key);
  if (key && last >= 0 && !spec.multiple) return [...rows];
  const row = newRow(key, value);
  if (last < 0) return [...rows, row];
  return [...rows.slice(0, last + 1), row, ...rows.slice(last + 1)];
}

export function removeRow(rows: readonly Row[], id: number): Row[] {
  return rows.filter((r) => r.id !== id);
}

export function updateRow(rows: readonly Row[], id: number, change: Partial<Omit<Row, "id">>): Row[] {
  return rows.map((r) => (r.id === id ? { ...r, ...change } : r));
}

/** Move a row of an accumulating key before (-1) or after (+1) the neighbouring value of the same key. */
export function moveRow(rows: readonly Row[], id: number, delta: -1 | 1): Row[] {
  const index = rows.findIndex((r) => r.id === id);
  if (index < 0) return [...rows];
  const key = rows[index].key;
  let other = index + delta;
  while (other >= 0 && other < rows.length && rows[other].key !== key) other += delta;
  if (other < 0 || other >= rows.length) return [...rows];
  const moved = [...rows];
  [moved[index], moved[other]] = [moved[other], moved[index]];
  return moved;
}

export interface RowGroup {
  key: string;
  spec: FieldSpec;
  rows: Row[];
}

/** Rows grouped by key in the order of each key's first row (how the form shows them). */
export function groupRows(rows: readonly Row[], catalog: readonly CatalogOption[]): RowGroup[] {
  const groups: RowGroup[] = [];
  for (const row of rows) {
    const group = row.key ? groups.find((g) => g.key === row.key) : undefined;
    if (group) group.rows.push(row);
    else groups.push({ key: row.key, spec: fieldSpec(row.key, catalog), rows: [row] });
  }
  return groups;
}

// ---- API errors --------------------------------------------------------------------------------

export interface FieldTarget {
  section: SectionName;
  index: number;
  part: "key" | "value" | null;
}

/**
 * Where `extensions.field` points in the form: `input.options.endpoint[3].key` is the key of the
 * fourth option sent for the endpoint section. Anything else (name, parentUuids...) gives null.
 */
export function fieldTarget(field: string): FieldTarget | null {
  const match = /(?:^|\.)options\.(\w+)\[(\d+)\](?:\.(key|value))?$/.exec(field);
  if (!match) return null;
  const section = SECTIONS.find((s) => s.name === match[1]);
  if (!section) return null;
  return { section: section.name, index: Number(match[2]), part: (match[3] as "key" | "value" | undefined) ?? null };
}

/** The id of the row whose option was sent at `index` (rows without a key are not sent). */
export function rowAtSentIndex(rows: readonly Row[], index: number): number | null {
  return rows.filter((r) => r.key.trim() !== "")[index]?.id ?? null;
}
