// The tenant tree: create, rename, delete (with a dry run saying what goes), export.
import { useMemo, useState, type FormEvent } from "react";
import { request } from "../api/client";
import {
  CreateTenantDocument,
  DeleteTenantDocument,
  ExportPjsipDocument,
  RenameTenantDocument,
  TenantTreeDocument,
} from "../api/documents";
import type {
  CreateTenantMutation,
  CreateTenantMutationVariables,
  DeleteTenantMutation,
  DeleteTenantMutationVariables,
  ExportPjsipQuery,
  ExportPjsipQueryVariables,
  PjsipTemplates,
  RenameTenantMutation,
  RenameTenantMutationVariables,
  TenantTreeQuery,
} from "../api/generated";
import { Link } from "../router";
import { ErrorBox, ImpactTable, useConfigEvents, useQuery } from "../ui/common";

type TenantNode = TenantTreeQuery["tenants"]["edges"][number]["node"];

interface TreeNode {
  tenant: TenantNode;
  children: TreeNode[];
}

function buildTree(tenants: TenantNode[]): TreeNode[] {
  const nodes = new Map(tenants.map((t) => [t.uuid, { tenant: t, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.tenant.parent ? nodes.get(node.tenant.parent.uuid) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => a.tenant.name.localeCompare(b.tenant.name));
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

function subtree(node: TreeNode): TenantNode[] {
  return [node.tenant, ...node.children.flatMap(subtree)];
}

export async function downloadPjsipConf(tenantUuid: string, slug: string, templates: PjsipTemplates): Promise<void> {
  const data = await request<ExportPjsipQuery, ExportPjsipQueryVariables>(ExportPjsipDocument, { tenantUuid, templates });
  const url = URL.createObjectURL(new Blob([data.pjsipConf], { type: "text/plain" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = `pjsip-${slug}.conf`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function TenantsScreen({ rootUuid }: { rootUuid: string | null }) {
  const query = useQuery<TenantTreeQuery, Record<string, never>>(TenantTreeDocument, {});
  useConfigEvents((event) => {
    if (event.kind === "tenant") void query.reload();
  });
  const tree = useMemo(() => buildTree(query.data?.tenants.edges.map((e) => e.node) ?? []), [query.data]);
  return (
    <section data-screen="tenants">
      <h2>
        Tenants {query.data && <small data-testid="tenant-count">({query.data.tenants.totalCount})</small>}
      </h2>
      <ErrorBox error={query.error} />
      {query.loading && !query.data && <p className="hint">Loading…</p>}
      <ul className="tree" data-testid="tenant-tree">
        {tree.map((node) => (
          <TenantItem key={node.tenant.uuid} node={node} isRoot={node.tenant.uuid === rootUuid} onChanged={query.reload} />
        ))}
      </ul>
    </section>
  );
}

function TenantItem({ node, isRoot, onChanged }: { node: TreeNode; isRoot: boolean; onChanged: () => Promise<void> }) {
  const tenant = node.tenant;
  const [mode, setMode] = useState<"idle" | "rename" | "add" | "delete">("idle");
  const [text, setText] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [preview, setPreview] = useState<DeleteTenantMutation["deleteTenant"] | null>(null);
  const [exportMode, setExportMode] = useState<PjsipTemplates>("FLAT");
  const [withDefaultTemplates, setWithDefaultTemplates] = useState(true);

  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    }
  };
  const rename = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await request<RenameTenantMutation, RenameTenantMutationVariables>(RenameTenantDocument, {
        uuid: tenant.uuid,
        name: text.trim(),
      });
      setMode("idle");
      await onChanged();
    });
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await request<CreateTenantMutation, CreateTenantMutationVariables>(CreateTenantDocument, {
        input: { name: text.trim(), parentUuid: tenant.uuid, withDefaultTemplates },
      });
      setMode("idle");
      setText("");
      await onChanged();
    });
  };
  const askDelete = () =>
    void run(async () => {
      setMode("delete");
      setPreview(null);
      const answer = await request<DeleteTenantMutation, DeleteTenantMutationVariables>(DeleteTenantDocument, {
        uuid: tenant.uuid,
        dryRun: true,
      });
      setPreview(answer.deleteTenant);
    });
  const confirmDelete = () =>
    void run(async () => {
      await request<DeleteTenantMutation, DeleteTenantMutationVariables>(DeleteTenantDocument, {
        uuid: tenant.uuid,
        dryRun: false,
      });
      setMode("idle");
      await onChanged();
    });
  const removed = subtree(node);
  const deletedObjects = preview?.changes.sorceryUpdates.filter((u) => u.action === "DELETE") ?? [];

  return (
    <li className="tenant" data-tenant={tenant.slug}>
      <div className="tenant-row">
        <strong className="tenant-name">{tenant.name}</strong> <code>{tenant.slug}</code>
        <span className="actions">
          <Link to={`/tenants/${tenant.uuid}/templates`}>Templates</Link>
          <Link to={`/tenants/${tenant.uuid}/endpoints`}>Endpoints</Link>
          <Link to={`/tenants/${tenant.uuid}/graph`}>Graph</Link>
          <Link to={`/tenants/${tenant.uuid}/import`}>Import</Link>
          <select value={exportMode} onChange={(e) => setExportMode(e.target.value as PjsipTemplates)} aria-label="export form">
            <option value="FLAT">flat</option>
            <option value="NATIVE">native templates</option>
          </select>
          <button type="button" onClick={() => void run(() => downloadPjsipConf(tenant.uuid, tenant.slug, exportMode))}>
            Export pjsip.conf
          </button>
          <button type="button" onClick={() => { setMode("rename"); setText(tenant.name); }}>
            Rename
          </button>
          <button type="button" onClick={() => { setMode("add"); setText(""); }}>
            Add sub-tenant
          </button>
          {!isRoot && (
            <button type="button" className="danger" onClick={askDelete}>
              Delete
            </button>
          )}
        </span>
      </div>
      {mode === "rename" && (
        <form className="inline" onSubmit={rename}>
          <input aria-label="new name" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
          <button type="submit">Save name</button>
          <button type="button" onClick={() => setMode("idle")}>Cancel</button>
        </form>
      )}
      {mode === "add" && (
        <form className="inline" onSubmit={add}>
          <input aria-label="sub-tenant name" placeholder="name" value={text} onChange={(e) => setText(e.target.value)} autoFocus />
          <label title="a sip.conf is imported into a tenant without them">
            <input type="checkbox" checked={withDefaultTemplates} onChange={(e) => setWithDefaultTemplates(e.target.checked)} />{" "}
            default templates
          </label>
          <button type="submit" disabled={!text.trim()}>Create</button>
          <button type="button" onClick={() => setMode("idle")}>Cancel</button>
        </form>
      )}
      {mode === "delete" && (
        <div className="confirm" data-testid="delete-confirmation">
          {!preview && !error && <p className="hint">Checking what deleting removes…</p>}
          {preview && (
            <>
              <p>
                Deleting <strong>{tenant.name}</strong> removes{" "}
                {removed.length === 1 ? "this tenant" : `${removed.length} tenants (${removed.map((t) => t.name).join(", ")})`}, every
                template and endpoint in {removed.length === 1 ? "it" : "them"}, and deletes{" "}
                <strong data-testid="deleted-objects">{deletedObjects.length}</strong> Sorcery object
                {deletedObjects.length === 1 ? "" : "s"} from Asterisk.
              </p>
              <ImpactTable changes={preview.changes} title="Dry run" />
              <button type="button" className="danger" onClick={confirmDelete}>
                Delete {tenant.name}
              </button>
            </>
          )}
          <button type="button" onClick={() => setMode("idle")}>Cancel</button>
        </div>
      )}
      <ErrorBox error={error} />
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <TenantItem key={child.tenant.uuid} node={child} isRoot={false} onChanged={onChanged} />
          ))}
        </ul>
      )}
    </li>
  );
}
