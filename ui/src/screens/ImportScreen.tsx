// Import a pjsip.conf or a chan_sip sip.conf into a tenant: a dry-run report first, then apply.
import { useState } from "react";
import { request } from "../api/client";
import { ImportPjsipDocument, ImportSipDocument, TenantNameDocument } from "../api/documents";
import type {
  ImportPjsipMutation,
  ImportPjsipMutationVariables,
  TenantNameQuery,
  TenantNameQueryVariables,
} from "../api/generated";
import { Link } from "../router";
import { ErrorBox, ImpactTable, useQuery } from "../ui/common";

type Format = "pjsip" | "sip";
type Result = ImportPjsipMutation["result"];

export function ImportScreen({ tenantUuid }: { tenantUuid: string }) {
  const tenant = useQuery<TenantNameQuery, TenantNameQueryVariables>(TenantNameDocument, { uuid: tenantUuid });
  const [format, setFormat] = useState<Format>("pjsip");
  const [text, setText] = useState("");
  const [report, setReport] = useState<{ result: Result; checked: string } | null>(null);
  const [applied, setApplied] = useState<Result | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const checkedKey = `${format}\n${text}`;

  const run = async (dryRun: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const data = await request<ImportPjsipMutation, ImportPjsipMutationVariables>(
        format === "pjsip" ? ImportPjsipDocument : ImportSipDocument,
        { tenantUuid, text, dryRun },
      );
      if (dryRun) {
        setReport({ result: data.result, checked: checkedKey });
        setApplied(null);
      } else {
        setApplied(data.result);
        setReport(null);
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const readFile = async (file: File | undefined) => {
    if (!file) return;
    setText(await file.text());
    if (/sip\.conf$/i.test(file.name) && !/pjsip/i.test(file.name)) setFormat("sip");
  };

  return (
    <section data-screen="import">
      <h2>Import into {tenant.data?.tenant?.name ?? "…"}</h2>
      <ErrorBox error={tenant.error} />
      <div className="toolbar">
        <label>
          Format{" "}
          <select aria-label="format" value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="pjsip">pjsip.conf</option>
            <option value="sip">sip.conf (chan_sip migration)</option>
          </select>
        </label>
        <input type="file" aria-label="file" accept=".conf,text/plain" onChange={(e) => void readFile(e.target.files?.[0])} />
      </div>
      {format === "sip" && <p className="hint">A sip.conf goes into a tenant created without default templates.</p>}
      <textarea
        aria-label="configuration text"
        className="conf"
        rows={14}
        value={text}
        onChange={(e) => setText(e.target.value)}
        spellCheck={false}
        placeholder="[alice]&#10;type=endpoint&#10;…"
      />
      <div className="savebar">
        <button type="button" disabled={busy || !text.trim()} onClick={() => void run(true)}>
          Check (dry run)
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || report?.checked !== checkedKey}
          onClick={() => void run(false)}
        >
          Import
        </button>
      </div>
      <ErrorBox error={error} />
      {report && <ImportReport result={report.result} title="Dry run: importing would create" />}
      {applied && (
        <>
          <ImportReport result={applied} title="Imported" />
          <p>
            <Link to={`/tenants/${tenantUuid}/endpoints`}>See the endpoints</Link>
          </p>
        </>
      )}
    </section>
  );
}

function ImportReport({ result, title }: { result: Result; title: string }) {
  const list = (items: string[]) => (items.length ? items.join(", ") : "none");
  return (
    <div className="report" data-testid={result.dryRun ? "import-report" : "import-applied"}>
      <h3>{title}</h3>
      <dl>
        <dt>templates</dt>
        <dd data-testid="import-templates">{list(result.templates)}</dd>
        <dt>endpoints</dt>
        <dd data-testid="import-endpoints">{list(result.endpoints)}</dd>
        <dt>transports</dt>
        <dd>{list(result.transports)}</dd>
      </dl>
      <h4>
        Not carried over: <span data-testid="import-unmapped-count">{result.unmapped.length}</span>
      </h4>
      <ul className="unmapped">
        {result.unmapped.map((u, i) => (
          <li key={i}>
            <code>{u}</code>
          </li>
        ))}
      </ul>
      <ImpactTable changes={result.changes} title={result.dryRun ? "Would record" : "Recorded"} />
    </div>
  );
}
