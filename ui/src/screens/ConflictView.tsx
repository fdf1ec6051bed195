// Shown when a save is refused because the stored revision moved on: what I
// started from, what I changed, and what is stored now, side by side.
import type { ConfigDetailFragment } from "../api/generated";
import { optionsFromRows, SECTIONS } from "../form/catalog";
import type { Draft } from "./ConfigEditor";

interface Props {
  base: ConfigDetailFragment;
  mine: Draft;
  theirs: ConfigDetailFragment;
  onLoadTheirs: () => void;
  onKeepMine: () => void;
}

const show = (options: { key: string; value: string }[]) => options.map((o) => `${o.key}=${o.value}`).join("\n") || "—";

export function ConflictView({ base, mine, theirs, onLoadTheirs, onKeepMine }: Props) {
  const lines: { what: string; base: string; mine: string; theirs: string }[] = [];
  const add = (what: string, b: string, m: string, t: string) => {
    if (m !== b || t !== b) lines.push({ what, base: b, mine: m, theirs: t });
  };
  add("name", base.name, mine.name.trim(), theirs.name);
  add("label", base.label ?? "", mine.label.trim(), theirs.label ?? "");
  const names = (list: { name: string }[]) => list.map((p) => p.name).join(", ") || "—";
  add("parents", names(base.parents), names(mine.parents), names(theirs.parents));
  for (const s of SECTIONS) {
    add(s.label, show(base.own[s.name]), show(optionsFromRows(mine.rows[s.name])), show(theirs.own[s.name]));
  }
  return (
    <div className="conflict" data-testid="conflict" role="alert">
      <h3>
        Not saved: this was changed elsewhere (revision {base.revision} → {theirs.revision})
      </h3>
      <table>
        <thead>
          <tr>
            <th />
            <th>you started from (revision {base.revision})</th>
            <th>your changes</th>
            <th>stored now (revision {theirs.revision})</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.what} className={l.mine !== l.base && l.theirs !== l.base ? "both-changed" : ""}>
              <th>{l.what}</th>
              <td><pre>{l.base || "—"}</pre></td>
              <td><pre>{l.mine || "—"}</pre></td>
              <td><pre>{l.theirs || "—"}</pre></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onLoadTheirs}>
        Discard mine, load revision {theirs.revision}
      </button>
      <button type="button" onClick={onKeepMine}>
        Apply my changes on revision {theirs.revision}
      </button>
    </div>
  );
}
