// Templates or endpoints of a tenant: search, order, inheritsFrom filter, total count, pages.
import { useEffect, useState, type FormEvent } from "react";
import { request } from "../api/client";
import {
  CreateEndpointDocument,
  CreateTemplateDocument,
  EndpointListDocument,
  TemplateListDocument,
} from "../api/documents";
import type {
  ConfigKind,
  CreateEndpointMutation,
  CreateEndpointMutationVariables,
  CreateTemplateMutation,
  CreateTemplateMutationVariables,
  EndpointListQuery,
  EndpointListQueryVariables,
  OrderDirection,
  SipConfigOrder,
  TemplateListQuery,
  TemplateListQueryVariables,
} from "../api/generated";
import { Link, navigate } from "../router";
import { ErrorBox, useConfigEvents, useQuery } from "../ui/common";
import { downloadPjsipConf } from "./TenantsScreen";

const PAGE_SIZE = 20;

interface ListRow {
  uuid: string;
  name: string;
  label: string | null;
  revision: number;
  updatedAt: string;
  parents: { uuid: string; name: string }[];
  endpointCount?: number;
}

export function ConfigList({ tenantUuid, kind }: { tenantUuid: string; kind: ConfigKind }) {
  const isTemplate = kind === "TEMPLATE";
  const [searchText, setSearchText] = useState("");
  const [search, setSearch] = useState("");
  const [orderBy, setOrderBy] = useState<SipConfigOrder>("NAME");
  const [direction, setDirection] = useState<OrderDirection>("ASC");
  const [inheritsFrom, setInheritsFrom] = useState("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [exportError, setExportError] = useState<unknown>(null);
  const after = cursors[cursors.length - 1];

  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchText.trim()), 250);
    return () => clearTimeout(timer);
  }, [searchText]);
  useEffect(() => setCursors([null]), [search, orderBy, direction, inheritsFrom]);

  const common = { tenantUuid, search: search || null, orderBy, direction, first: PAGE_SIZE, after };
  const query = useQuery<TemplateListQuery | EndpointListQuery, TemplateListQueryVariables | EndpointListQueryVariables>(
    isTemplate ? TemplateListDocument : EndpointListDocument,
    isTemplate ? common : { ...common, inheritsFrom: inheritsFrom || null },
  );
  useConfigEvents((event) => {
    if (event.tenantUuid === tenantUuid) void query.reload();
  });

  const data = query.data;
  const connection = data ? ("templates" in data ? data.templates : data.endpoints) : null;
  const rows: ListRow[] = connection?.edges.map((e) => e.node) ?? [];
  const filterTemplates = data && "filterTemplates" in data ? data.filterTemplates.edges.map((e) => e.node) : [];
  const base = `/tenants/${tenantUuid}/${isTemplate ? "templates" : "endpoints"}`;
  const page = cursors.length;

  return (
    <section data-screen={isTemplate ? "templates" : "endpoints"}>
      <h2>
        {isTemplate ? "Templates" : "Endpoints"} of {data?.tenant?.name ?? "…"}{" "}
        {connection && <small data-testid="total-count">{connection.totalCount} in all</small>}
      </h2>
      <div className="toolbar">
        <input
          type="search"
          aria-label="search"
          placeholder="Search name or label"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
        />
        <label>
          Order by{" "}
          <select aria-label="order by" value={orderBy} onChange={(e) => setOrderBy(e.target.value as SipConfigOrder)}>
            <option value="NAME">name</option>
            <option value="LABEL">label</option>
            <option value="CREATED_AT">creation</option>
          </select>
        </label>
        <select aria-label="direction" value={direction} onChange={(e) => setDirection(e.target.value as OrderDirection)}>
          <option value="ASC">ascending</option>
          <option value="DESC">descending</option>
        </select>
        {!isTemplate && (
          <label>
            Inherits from{" "}
            <select aria-label="inherits from" value={inheritsFrom} onChange={(e) => setInheritsFrom(e.target.value)}>
              <option value="">any template</option>
              {filterTemplates.map((t) => (
                <option key={t.uuid} value={t.uuid}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          onClick={() => {
            setExportError(null);
            downloadPjsipConf(tenantUuid, data?.tenant?.slug ?? "tenant", "FLAT").catch(setExportError);
          }}
        >
          Export pjsip.conf
        </button>
      </div>
      <ErrorBox error={exportError} />
      <CreateForm tenantUuid={tenantUuid} isTemplate={isTemplate} base={base} />
      <ErrorBox error={query.error} />
      <table className="list" data-testid="config-list">
        <thead>
          <tr>
            <th>name</th>
            <th>label</th>
            <th>parents</th>
            {isTemplate && <th>endpoints</th>}
            <th>revision</th>
            <th>updated</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.uuid}>
              <td>
                <Link to={`${base}/${row.uuid}`}>{row.name}</Link>
              </td>
              <td>{row.label}</td>
              <td>{row.parents.map((p) => p.name).join(" → ")}</td>
              {isTemplate && <td>{row.endpointCount}</td>}
              <td>{row.revision}</td>
              <td>{new Date(row.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
          {connection && rows.length === 0 && (
            <tr>
              <td colSpan={6} className="hint">
                Nothing matches.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={page === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          Previous
        </button>
        <span>page {page}</span>
        <button
          type="button"
          disabled={!connection?.pageInfo.hasNextPage}
          onClick={() => connection && setCursors([...cursors, connection.pageInfo.endCursor])}
        >
          Next
        </button>
      </div>
    </section>
  );
}

function CreateForm({ tenantUuid, isTemplate, base }: { tenantUuid: string; isTemplate: boolean; base: string }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<unknown>(null);
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      let uuid: string | undefined;
      if (isTemplate) {
        const data = await request<CreateTemplateMutation, CreateTemplateMutationVariables>(CreateTemplateDocument, {
          input: { tenantUuid, name: name.trim() },
        });
        uuid = data.createTemplate.template?.uuid;
      } else {
        const data = await request<CreateEndpointMutation, CreateEndpointMutationVariables>(CreateEndpointDocument, {
          input: { tenantUuid, name: name.trim() },
        });
        uuid = data.createEndpoint.endpoint?.uuid;
      }
      if (uuid) navigate(`${base}/${uuid}`);
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <form className="inline create" onSubmit={create}>
      <input
        aria-label={isTemplate ? "new template name" : "new endpoint name"}
        placeholder={isTemplate ? "new template name" : "new endpoint name"}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button type="submit" disabled={!name.trim()}>
        Create {isTemplate ? "template" : "endpoint"}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
