// Edit a template or an endpoint: a form generated from the option catalog per
// section, the resolved view next to it, a dry-run impact preview before each
// save, saves guarded by expectedRevision, a conflict view, and live refresh.
import { useMemo, useRef, useState } from "react";
import { ApiError, request, type ApiIssue } from "../api/client";
import {
  ConfigCurrentDocument,
  ConfigEditorDocument,
  DeleteConfigDocument,
  UpdateEndpointDocument,
  UpdateTemplateDocument,
} from "../api/documents";
import type {
  ChangesFragment,
  ConfigCurrentQuery,
  ConfigCurrentQueryVariables,
  ConfigDetailFragment,
  ConfigEditorQuery,
  ConfigEditorQueryVariables,
  ConfigKind,
  DeleteConfigMutation,
  DeleteConfigMutationVariables,
  UpdateEndpointMutation,
  UpdateSipConfigInput,
  UpdateTemplateMutation,
  UpdateTemplateMutationVariables,
} from "../api/generated";
import {
  addRow,
  fieldTarget,
  optionsFromRows,
  rowAtSentIndex,
  rowsFromOptions,
  SECTIONS,
  type CatalogOption,
  type Row,
  type SectionName,
} from "../form/catalog";
import { Link, navigate, useLeaveGuard } from "../router";
import { describeError, ErrorBox, ImpactTable, useConfigEvents, useQuery, type ConfigEvent } from "../ui/common";
import { ConflictView } from "./ConflictView";
import { ParentsPicker } from "./ParentsPicker";
import { SectionEditor } from "./SectionEditor";

export type Catalogs = Record<SectionName, CatalogOption[]>;
export type Draft = {
  name: string;
  label: string;
  parents: { uuid: string; name: string }[];
  rows: Record<SectionName, Row[]>;
};

export function draftOf(config: ConfigDetailFragment): Draft {
  const rows = {} as Record<SectionName, Row[]>;
  for (const s of SECTIONS) rows[s.name] = rowsFromOptions(config.own[s.name]);
  return { name: config.name, label: config.label ?? "", parents: config.parents.map((p) => ({ ...p })), rows };
}

const sameOptions = (a: { key: string; value: string }[], b: { key: string; value: string }[]) =>
  a.length === b.length && a.every((o, i) => o.key === b[i].key && o.value === b[i].value);

/** What the draft changes relative to `base`: only changed fields and whole changed sections. */
export function changesOf(base: ConfigDetailFragment, draft: Draft): UpdateSipConfigInput {
  const input: UpdateSipConfigInput = {};
  if (draft.name.trim() !== base.name) input.name = draft.name.trim();
  if ((draft.label.trim() || null) !== (base.label ?? null)) input.label = draft.label.trim() || null;
  const parents = draft.parents.map((p) => p.uuid);
  if (parents.join() !== base.parents.map((p) => p.uuid).join()) input.parentUuids = parents;
  const options: NonNullable<UpdateSipConfigInput["options"]> = {};
  for (const s of SECTIONS) {
    const sent = optionsFromRows(draft.rows[s.name]);
    if (!sameOptions(sent, base.own[s.name])) options[s.name] = sent;
  }
  if (Object.keys(options).length) input.options = options;
  return input;
}

/** My changes carried onto `theirs`: what I did not change takes their value. */
export function rebase(base: ConfigDetailFragment, draft: Draft, theirs: ConfigDetailFragment): Draft {
  const mine = changesOf(base, draft);
  const next = draftOf(theirs);
  if (mine.name !== undefined) next.name = draft.name;
  if (mine.label !== undefined) next.label = draft.label;
  if (mine.parentUuids !== undefined) next.parents = draft.parents;
  for (const s of SECTIONS) if (mine.options?.[s.name] !== undefined) next.rows[s.name] = draft.rows[s.name];
  return next;
}

function catalogsOf(data: ConfigEditorQuery): Catalogs {
  return {
    endpoint: data.endpointCatalog,
    aor: data.aorCatalog,
    auth: data.authCatalog,
    identify: data.identifyCatalog,
    registration: data.registrationCatalog,
    registrationOutboundAuth: data.registrationOutboundAuthCatalog,
    outboundAuth: data.outboundAuthCatalog,
  };
}

export function ConfigEditor({ tenantUuid, uuid, kind }: { tenantUuid: string; uuid: string; kind: ConfigKind }) {
  const isTemplate = kind === "TEMPLATE";
  const query = useQuery<ConfigEditorQuery, ConfigEditorQueryVariables>(ConfigEditorDocument, {
    tenantUuid,
    uuid,
    isTemplate,
  });
  const loaded = query.data ? (isTemplate ? query.data.template : query.data.endpoint) : undefined;
  if (query.error && !query.data) return <ErrorBox error={query.error} />;
  if (!query.data) return <p className="hint">Loading…</p>;
  if (!loaded) return <p className="error">This {isTemplate ? "template" : "endpoint"} does not exist (or is not visible to this token).</p>;
  const candidates = query.data.candidates.edges.map((e) => e.node).filter((t) => t.uuid !== uuid);
  return (
    <Editor
      key={loaded.uuid}
      tenantUuid={tenantUuid}
      initial={loaded}
      catalogs={catalogsOf(query.data)}
      candidates={candidates}
      isTemplate={isTemplate}
    />
  );
}

interface EditorProps {
  tenantUuid: string;
  initial: ConfigDetailFragment;
  catalogs: Catalogs;
  candidates: { uuid: string; name: string }[];
  isTemplate: boolean;
}

type Phase =
  | { kind: "editing" }
  | { kind: "previewing" }
  | { kind: "preview"; changes: ChangesFragment; input: string }
  | { kind: "saving" }
  | { kind: "saved"; changes: ChangesFragment; revision: number };

function Editor({ tenantUuid, initial, catalogs, candidates, isTemplate }: EditorProps) {
  const [server, setServer] = useState(initial);
  const [base, setBase] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [phase, setPhase] = useState<Phase>({ kind: "editing" });
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<ConfigDetailFragment | null>(null);
  const [remote, setRemote] = useState<ConfigEvent | null>(null);
  const [deleted, setDeleted] = useState(false);
  const [deletePreview, setDeletePreview] = useState<ChangesFragment | null>(null);
  const [shown, setShown] = useState<Set<SectionName>>(() => new Set());
  // The section last opened from "Other sections": its "add option" field takes the focus.
  const [opened, setOpened] = useState<SectionName | null>(null);
  const busy = useRef(false);

  const input = useMemo(() => changesOf(base, draft), [base, draft]);
  const dirty = Object.keys(input).length > 0;
  useLeaveGuard(dirty, `Leave ${initial.name} without saving? Your changes will be lost.`);
  const inputKey = JSON.stringify(input);
  const uuid = initial.uuid;
  const path = (kind: string, id: string) => `/tenants/${tenantUuid}/${kind === "TEMPLATE" ? "templates" : "endpoints"}/${id}`;

  const edit = (change: (d: Draft) => Draft) => {
    setDraft((d) => change(d));
    if (phase.kind !== "saving") setPhase({ kind: "editing" });
  };

  const loadCurrent = async (): Promise<ConfigDetailFragment | null> => {
    const data = await request<ConfigCurrentQuery, ConfigCurrentQueryVariables>(ConfigCurrentDocument, {
      uuid,
      isTemplate,
    });
    return (isTemplate ? data.template : data.endpoint) ?? null;
  };

  const takeServer = (config: ConfigDetailFragment, resetDraft: boolean) => {
    setServer(config);
    if (resetDraft) {
      setBase(config);
      setDraft(draftOf(config));
      setRemote(null);
    }
  };

  useConfigEvents((event) => {
    if (busy.current) return;
    if (event.uuid === uuid) {
      if (event.action === "DELETED") {
        setDeleted(true);
        return;
      }
      if (event.revision !== null && event.revision <= server.revision) return;
      if (dirty) {
        setRemote(event);
        return;
      }
    } else if (event.tenantUuid !== tenantUuid || event.kind !== "template") {
      return;
    }
    // Our own config changed elsewhere (and nothing is being edited), or a template of the
    // tenant changed, which may change what this one resolves to.
    void loadCurrent()
      .then((config) => {
        if (config) takeServer(config, !dirty && event.uuid === uuid);
      })
      .catch(setError);
  });

  const send = async (dryRun: boolean, expectedRevision: number) => {
    const variables: UpdateTemplateMutationVariables = { uuid, input, expectedRevision, dryRun };
    if (isTemplate) {
      const data = await request<UpdateTemplateMutation, UpdateTemplateMutationVariables>(UpdateTemplateDocument, variables);
      return { config: data.updateTemplate.template, changes: data.updateTemplate.changes };
    }
    const data = await request<UpdateEndpointMutation, UpdateTemplateMutationVariables>(UpdateEndpointDocument, variables);
    return { config: data.updateEndpoint.endpoint, changes: data.updateEndpoint.changes };
  };

  const failed = async (caught: unknown) => {
    setPhase({ kind: "editing" });
    if (caught instanceof ApiError && caught.code === "CONFLICT" && /revision/i.test(caught.message)) {
      try {
        setConflict(await loadCurrent());
      } catch (again) {
        setError(again);
      }
      return;
    }
    if (caught instanceof ApiError && caught.issues.length) setIssues(caught.issues);
    setError(caught);
  };

  const preview = async () => {
    setIssues([]);
    setError(null);
    setPhase({ kind: "previewing" });
    try {
      const { changes } = await send(true, base.revision);
      setPhase({ kind: "preview", changes, input: inputKey });
    } catch (caught) {
      await failed(caught);
    }
  };

  const save = async () => {
    setIssues([]);
    setError(null);
    setPhase({ kind: "saving" });
    busy.current = true;
    try {
      const { config, changes } = await send(false, base.revision);
      if (config) takeServer(config, true);
      setPhase({ kind: "saved", changes, revision: config?.revision ?? base.revision + 1 });
    } catch (caught) {
      await failed(caught);
    } finally {
      busy.current = false;
    }
  };

  const askDelete = async () => {
    setError(null);
    try {
      const data = await request<DeleteConfigMutation, DeleteConfigMutationVariables>(DeleteConfigDocument, {
        uuid,
        isTemplate,
        dryRun: true,
      });
      setDeletePreview((isTemplate ? data.deleteTemplate : data.deleteEndpoint)?.changes ?? null);
    } catch (caught) {
      setError(caught);
    }
  };
  const confirmDelete = async () => {
    try {
      await request<DeleteConfigMutation, DeleteConfigMutationVariables>(DeleteConfigDocument, { uuid, isTemplate, dryRun: false });
      navigate(`/tenants/${tenantUuid}/${isTemplate ? "templates" : "endpoints"}`, { force: true });
    } catch (caught) {
      setError(caught);
    }
  };

  // API issues, placed next to the field they name.
  const rowIssues = new Map<number, string[]>();
  const fieldIssues: Record<string, string[]> = {};
  const otherIssues: string[] = [];
  for (const issue of issues) {
    const target = fieldTarget(issue.field);
    const rowId = target ? rowAtSentIndex(draft.rows[target.section], target.index) : null;
    if (rowId !== null) rowIssues.set(rowId, [...(rowIssues.get(rowId) ?? []), issue.message]);
    else {
      const top = /^input\.(name|label|parentUuids)/.exec(issue.field)?.[1];
      if (top) fieldIssues[top] = [...(fieldIssues[top] ?? []), issue.message];
      else otherIssues.push(`${issue.field}: ${issue.message}`);
    }
  }

  const visible = SECTIONS.filter(
    (s) =>
      s.name === "endpoint" ||
      shown.has(s.name) ||
      draft.rows[s.name].length > 0 ||
      server.resolved[s.name].length > 0 ||
      server.own[s.name].length > 0,
  );
  const hidden = SECTIONS.filter((s) => !visible.includes(s));
  const previewCurrent = phase.kind === "preview" && phase.input === inputKey;

  return (
    <section data-screen={isTemplate ? "template-editor" : "endpoint-editor"} className="editor">
      <div className="crumbs">
        <Link to="/">Tenants</Link> / {server.tenant.name} /{" "}
        <Link to={`/tenants/${tenantUuid}/${isTemplate ? "templates" : "endpoints"}`}>{isTemplate ? "Templates" : "Endpoints"}</Link>
      </div>
      <h2>
        {isTemplate ? "Template" : "Endpoint"} <span data-testid="config-name">{server.name}</span>{" "}
        <small>
          revision <span data-testid="revision">{server.revision}</span>
        </small>
      </h2>
      {deleted && <p className="error">This {isTemplate ? "template" : "endpoint"} was deleted elsewhere.</p>}
      {remote && !conflict && (
        <div className="notice" data-testid="remote-change">
          Changed elsewhere (now revision {remote.revision}) while you edit: saving will show the conflict.{" "}
          <button
            type="button"
            onClick={() => void loadCurrent().then((c) => c && takeServer(c, true)).catch(setError)}
          >
            Discard mine and load it
          </button>
        </div>
      )}
      {conflict && (
        <ConflictView
          base={base}
          mine={draft}
          theirs={conflict}
          onLoadTheirs={() => {
            takeServer(conflict, true);
            setConflict(null);
            setPhase({ kind: "editing" });
          }}
          onKeepMine={() => {
            setDraft(rebase(base, draft, conflict));
            setServer(conflict);
            setBase(conflict);
            setConflict(null);
            setRemote(null);
            setPhase({ kind: "editing" });
          }}
        />
      )}
      <div className="fields">
        <label>
          Name
          <input aria-label="name" value={draft.name} onChange={(e) => edit((d) => ({ ...d, name: e.target.value }))} />
          {fieldIssues.name?.map((m) => <span key={m} className="field-error">{m}</span>)}
        </label>
        <label>
          Label
          <input aria-label="label" value={draft.label} onChange={(e) => edit((d) => ({ ...d, label: e.target.value }))} />
          {fieldIssues.label?.map((m) => <span key={m} className="field-error">{m}</span>)}
        </label>
      </div>
      <ParentsPicker
        parents={draft.parents}
        candidates={candidates}
        onChange={(parents) => edit((d) => ({ ...d, parents }))}
        issues={fieldIssues.parentUuids ?? []}
        linkTo={(id) => path("TEMPLATE", id)}
      />
      {visible.map((s) => (
        <SectionEditor
          key={s.name}
          section={s}
          catalog={catalogs[s.name]}
          rows={draft.rows[s.name]}
          resolved={server.resolved[s.name]}
          rowIssues={rowIssues}
          originPath={(origin) => path(origin.kind, origin.uuid)}
          selfUuid={uuid}
          onRows={(rows) => edit((d) => ({ ...d, rows: { ...d.rows, [s.name]: rows } }))}
          onOverride={(key, value) =>
            edit((d) => ({ ...d, rows: { ...d.rows, [s.name]: addRow(d.rows[s.name], key, catalogs[s.name], value) } }))
          }
          focusOnOpen={opened === s.name}
        />
      ))}
      {hidden.length > 0 && (
        <div className="more-sections">
          Other sections:{" "}
          {hidden.map((s) => (
            <button
              type="button"
              key={s.name}
              onClick={() => {
                setShown(new Set([...shown, s.name]));
                setOpened(s.name);
              }}
            >
              {s.label}
            </button>
          ))}
        </div>
      )}
      {otherIssues.length > 0 && (
        <ul className="error">
          {otherIssues.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <ErrorBox error={issues.length ? null : error} />
      {issues.length > 0 && error !== null && <p className="error">{describeError(error)}</p>}
      <div className="savebar">
        <span className="hint">{dirty ? "Unsaved changes" : "No changes"}</span>
        <button type="button" disabled={!dirty || phase.kind === "previewing" || phase.kind === "saving"} onClick={() => void preview()}>
          Preview impact
        </button>
        <button type="button" className="primary" disabled={!previewCurrent} onClick={() => void save()}>
          Save (revision {base.revision} → {base.revision + 1})
        </button>
        <button type="button" disabled={!dirty} onClick={() => { setDraft(draftOf(base)); setPhase({ kind: "editing" }); setIssues([]); setError(null); }}>
          Discard changes
        </button>
        <button type="button" className="danger" onClick={() => void askDelete()}>
          Delete…
        </button>
      </div>
      {phase.kind === "preview" && (
        <div className={previewCurrent ? "" : "stale"}>
          <ImpactTable changes={phase.changes} title="Saving would record" />
          {!previewCurrent && <p className="hint">The form changed since this preview: preview again.</p>}
        </div>
      )}
      {phase.kind === "saved" && (
        <div data-testid="saved">
          <p className="ok">Saved: revision {phase.revision}.</p>
          <ImpactTable changes={phase.changes} title="Recorded" />
        </div>
      )}
      {deletePreview && (
        <div className="confirm" data-testid="delete-confirmation">
          <p>
            Deleting {server.name} records {deletePreview.sorceryUpdates.length} Sorcery update
            {deletePreview.sorceryUpdates.length === 1 ? "" : "s"}
            {isTemplate && <> (its children lose it from their parents and are recomputed)</>}.
          </p>
          <ImpactTable changes={deletePreview} title="Dry run" />
          <button type="button" className="danger" onClick={() => void confirmDelete()}>
            Delete {server.name}
          </button>
          <button type="button" onClick={() => setDeletePreview(null)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
