// One section of a template or endpoint: its own options as a generated form
// (left) and what it resolves to, with origins and overridden values (right).
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import type { ResolvedOptionFragment } from "../api/generated";
import {
  addRow,
  checkValue,
  fieldSpec,
  groupRows,
  isTrue,
  moveRow,
  removeRow,
  suggestKey,
  updateRow,
  type CatalogOption,
  type FieldSpec,
  type Row,
  type SectionInfo,
} from "../form/catalog";
import { Link } from "../router";

interface Props {
  section: SectionInfo;
  catalog: CatalogOption[];
  rows: Row[];
  resolved: ResolvedOptionFragment[];
  rowIssues: Map<number, string[]>;
  originPath: (origin: ResolvedOptionFragment["origin"]) => string;
  selfUuid: string;
  onRows: (rows: Row[]) => void;
  onOverride: (key: string, value: string) => void;
  /** Focus this section's "add option" field when it appears (it was just opened). */
  focusOnOpen?: boolean;
}

export function SectionEditor({ section, catalog, rows, resolved, rowIssues, originPath, selfUuid, onRows, onOverride, focusOnOpen }: Props) {
  const groups = groupRows(rows, catalog);
  const ownKeys = new Set(rows.map((r) => r.key));
  // A key just added: its new value field takes the focus once it is rendered.
  const box = useRef<HTMLDivElement>(null);
  const [added, setAdded] = useState<string | null>(null);
  useEffect(() => {
    if (added === null) return;
    const group = [...(box.current?.querySelectorAll<HTMLElement>(".option-group") ?? [])].find((g) => g.dataset.key === added);
    const fields = group?.querySelectorAll<HTMLElement>(".option-row input, .option-row select");
    fields?.[fields.length - 1]?.focus();
    setAdded(null);
  }, [added, rows]);
  return (
    <div className="section" data-section={section.name} ref={box}>
      <h3>{section.label}</h3>
      <div className="columns">
        <div className="own">
          <h4>Own options</h4>
          {groups.length === 0 && <p className="hint">None: everything comes from the parents.</p>}
          {groups.map((group) => (
            <div key={group.rows[0].id} className="option-group" data-key={group.key}>
              <div className="option-key">
                <code>{group.key}</code>
                {group.spec.deprecated && <span className="flag">deprecated</span>}
                {!group.spec.known && <UnknownKey rows={rows} group={group.rows} catalog={catalog} onRows={onRows} />}
                <span className="help">{group.spec.help}</span>
              </div>
              {group.rows.map((row, i) => (
                <div key={row.id} className="option-row">
                  <ValueInput spec={group.spec} row={row} onChange={(value) => onRows(updateRow(rows, row.id, { value }))} />
                  {group.spec.multiple && (
                    <>
                      <button type="button" title="move up" disabled={i === 0} onClick={() => onRows(moveRow(rows, row.id, -1))}>
                        ↑
                      </button>
                      <button
                        type="button"
                        title="move down"
                        disabled={i === group.rows.length - 1}
                        onClick={() => onRows(moveRow(rows, row.id, 1))}
                      >
                        ↓
                      </button>
                    </>
                  )}
                  <button type="button" title="remove" aria-label={`remove ${row.key}`} onClick={() => onRows(removeRow(rows, row.id))}>
                    ✕
                  </button>
                  <Problems messages={[checkValue(group.spec, row.value), ...(rowIssues.get(row.id) ?? [])]} />
                </div>
              ))}
              {group.spec.multiple && (
                <button type="button" className="link" onClick={() => onRows(addRow(rows, group.key, catalog))}>
                  + add a value
                </button>
              )}
            </div>
          ))}
          <AddOption
            sectionLabel={section.label}
            autoFocus={focusOnOpen}
            catalog={catalog}
            ownKeys={ownKeys}
            onAdd={(key) => {
              onRows(addRow(rows, key, catalog, initialValue(key, catalog)));
              setAdded(key);
            }}
          />
        </div>
        <div className="resolved">
          <h4>Resolved</h4>
          {resolved.length === 0 && <p className="hint">Nothing.</p>}
          <table>
            <tbody>
              {resolved.map((option, i) => (
                <tr key={i} className={option.inherited ? "inherited" : "own-value"} data-key={option.key}>
                  <td>
                    <code>{option.key}</code>
                  </td>
                  <td className="value">
                    {fieldSpec(option.key, catalog).secret ? <SecretText value={option.value} label={`${option.key} in effect`} /> : option.value}
                  </td>
                  <td className="origin">
                    {option.origin.uuid === selfUuid ? (
                      <span>own</span>
                    ) : (
                      <Link to={originPath(option.origin)}>{option.origin.name}</Link>
                    )}
                  </td>
                  <td className="overrides">
                    {option.overrides.map((o, j) => (
                      <span key={j} className="overridden" title={`overridden value from ${o.origin.name}`}>
                        <s>{fieldSpec(option.key, catalog).secret ? <SecretText value={o.value} label={`${option.key} overridden`} /> : o.value}</s> (
                        <Link to={originPath(o.origin)}>{o.origin.name}</Link>)
                      </span>
                    ))}
                  </td>
                  <td>
                    {option.inherited && !ownKeys.has(option.key) && (
                      <button type="button" className="link" onClick={() => onOverride(option.key, option.value)}>
                        override here
                      </button>
                    )}
                    {!option.inherited && option.overrides.length > 0 && ownKeys.has(option.key) && (
                      <button
                        type="button"
                        className="link"
                        onClick={() => onRows(rows.filter((r) => r.key !== option.key))}
                      >
                        remove override
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </div>
  );
}

function initialValue(key: string, catalog: CatalogOption[]): string {
  const spec = fieldSpec(key, catalog);
  return spec.widget.kind === "toggle" ? (isTrue(spec.placeholder || "no") ? "no" : "yes") : "";
}

function Problems({ messages }: { messages: (string | null)[] }) {
  const shown = messages.filter((m): m is string => Boolean(m));
  if (!shown.length) return null;
  return (
    <span className="field-error" role="alert">
      {shown.join("; ")}
    </span>
  );
}

function ValueInput({ spec, row, onChange }: { spec: FieldSpec; row: Row; onChange: (value: string) => void }) {
  const label = `${row.key} value`;
  const widget = spec.widget;
  switch (widget.kind) {
    case "select": {
      const choices = widget.choices.includes(row.value) || row.value === "" ? widget.choices : [row.value, ...widget.choices];
      return (
        <select aria-label={label} value={row.value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{spec.placeholder ? `(default ${spec.placeholder})` : "(choose)"}</option>
          {choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      );
    }
    case "toggle":
      return (
        <label className="toggle">
          <input type="checkbox" aria-label={label} checked={isTrue(row.value)} onChange={(e) => onChange(e.target.checked ? "yes" : "no")} />
          {row.value || "no"}
        </label>
      );
    case "integer":
      return (
        <input
          type="number"
          aria-label={label}
          step={1}
          min={widget.min ?? undefined}
          max={widget.max ?? undefined}
          placeholder={spec.placeholder}
          value={row.value}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case "number":
      return <input type="number" step="any" aria-label={label} placeholder={spec.placeholder} value={row.value} onChange={(e) => onChange(e.target.value)} />;
    default:
      if (spec.secret) return <SecretInput label={label} value={row.value} onChange={onChange} />;
      return (
        <input
          type="text"
          aria-label={label}
          placeholder={spec.placeholder}
          value={row.value}
          onChange={(e) => onChange(e.target.value)}
          spellCheck={false}
        />
      );
  }
}

// What the server sends in place of a secret to a token without the secrets scope.
const SERVER_MASK = "********";
// A secret this page has but keeps off screen until asked (unlike the server's mask).
const HIDDEN = "••••••••";

/** A password field with a show/hide switch: a secret the token may read is still not put on screen unasked. */
function SecretInput({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  const [shown, setShown] = useState(false);
  return (
    <span className="secret">
      <input
        type={shown ? "text" : "password"}
        aria-label={label}
        autoComplete="new-password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
      />
      <ShowSwitch shown={shown} label={label} onToggle={() => setShown(!shown)} />
    </span>
  );
}

/** A secret value in the resolved view: hidden until asked; the server's mask as it is. */
function SecretText({ value, label }: { value: string; label: string }) {
  const [shown, setShown] = useState(false);
  if (value === SERVER_MASK || value === "") return <>{value}</>;
  return (
    <span className="secret">
      <span data-secret={shown ? "shown" : "hidden"}>{shown ? value : HIDDEN}</span>
      <ShowSwitch shown={shown} label={label} onToggle={() => setShown(!shown)} />
    </span>
  );
}

function ShowSwitch({ shown, label, onToggle }: { shown: boolean; label: string; onToggle: () => void }) {
  return (
    <button type="button" className="link" aria-pressed={shown} aria-label={`show ${label}`} onClick={onToggle}>
      {shown ? "hide" : "show"}
    </button>
  );
}

function UnknownKey({ rows, group, catalog, onRows }: { rows: Row[]; group: Row[]; catalog: CatalogOption[]; onRows: (rows: Row[]) => void }) {
  const suggestion = suggestKey(group[0].key, catalog);
  return (
    <span className="field-error">
      unknown key
      {suggestion && (
        <>
          ; did you mean{" "}
          <button
            type="button"
            className="link"
            onClick={() => onRows(rows.map((r) => (group.some((g) => g.id === r.id) ? { ...r, key: suggestion } : r)))}
          >
            {suggestion}
          </button>
          ?
        </>
      )}
    </span>
  );
}

function AddOption({
  sectionLabel,
  autoFocus,
  catalog,
  ownKeys,
  onAdd,
}: {
  sectionLabel: string;
  autoFocus?: boolean;
  catalog: CatalogOption[];
  ownKeys: Set<string>;
  onAdd: (key: string) => void;
}) {
  const [key, setKey] = useState("");
  const listId = useId();
  const wanted = key.trim();
  const known = catalog.some((o) => o.name === wanted);
  const suggestion = wanted && !known ? suggestKey(wanted, catalog) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!wanted) return;
    onAdd(wanted);
    setKey("");
  };
  return (
    <form className="add-option" onSubmit={submit}>
      <input
        aria-label={`add option to ${sectionLabel}`}
        autoFocus={autoFocus}
        list={listId}
        placeholder="add an option…"
        value={key}
        onChange={(e) => setKey(e.target.value)}
        spellCheck={false}
      />
      <datalist id={listId}>
        {catalog
          .filter((o) => o.multiple || !ownKeys.has(o.name))
          .map((o) => (
            <option key={o.name} value={o.name} />
          ))}
      </datalist>
      <button type="submit" disabled={!wanted}>
        Add
      </button>
      {wanted && !known && (
        <span className="field-error" data-testid="unknown-key">
          '{wanted}' is not an option of this section
          {suggestion && (
            <>
              ; did you mean{" "}
              <button type="button" className="link" onClick={() => setKey(suggestion)}>
                {suggestion}
              </button>
              ?
            </>
          )}
        </span>
      )}
    </form>
  );
}
