// The ordered parent list of a template or endpoint: the first parent wins over later ones.
import { useState } from "react";
import { Link } from "../router";

interface Props {
  parents: { uuid: string; name: string }[];
  candidates: { uuid: string; name: string }[];
  onChange: (parents: { uuid: string; name: string }[]) => void;
  issues: string[];
  linkTo: (uuid: string) => string;
}

export function ParentsPicker({ parents, candidates, onChange, issues, linkTo }: Props) {
  const [choice, setChoice] = useState("");
  const available = candidates.filter((c) => !parents.some((p) => p.uuid === c.uuid));
  const move = (index: number, delta: number) => {
    const moved = [...parents];
    [moved[index], moved[index + delta]] = [moved[index + delta], moved[index]];
    onChange(moved);
  };
  return (
    <div className="parents" data-testid="parents">
      <h3>Parents</h3>
      <p className="hint">In order: a later parent's value replaces an earlier one's, and own options replace both.</p>
      <ol>
        {parents.map((p, i) => (
          <li key={p.uuid} className="parent">
            <Link to={linkTo(p.uuid)}>{p.name}</Link>
            <button type="button" title="earlier" disabled={i === 0} onClick={() => move(i, -1)}>
              ↑
            </button>
            <button type="button" title="later" disabled={i === parents.length - 1} onClick={() => move(i, 1)}>
              ↓
            </button>
            <button type="button" aria-label={`remove parent ${p.name}`} onClick={() => onChange(parents.filter((x) => x.uuid !== p.uuid))}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <select aria-label="add parent" value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">add a parent template…</option>
        {available.map((c) => (
          <option key={c.uuid} value={c.uuid}>
            {c.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={!choice}
        onClick={() => {
          const found = candidates.find((c) => c.uuid === choice);
          if (found) onChange([...parents, found]);
          setChoice("");
        }}
      >
        Add parent
      </button>
      {issues.map((m) => (
        <span key={m} className="field-error">
          {m}
        </span>
      ))}
    </div>
  );
}
