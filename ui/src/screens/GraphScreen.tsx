// The inheritance graph of a tenant: templates (and optionally endpoints) laid out by dagre,
// each edge from a parent to a child, numbered with the parent's place in the child's list.
import dagre from "@dagrejs/dagre";
import { useMemo, useState } from "react";
import { InheritanceGraphDocument } from "../api/documents";
import type { InheritanceGraphQuery, InheritanceGraphQueryVariables } from "../api/generated";
import { navigate } from "../router";
import { ErrorBox, useConfigEvents, useQuery } from "../ui/common";

interface GraphNode {
  uuid: string;
  name: string;
  kind: "template" | "endpoint";
  parents: string[];
  note?: string;
}

interface Placed {
  nodes: (GraphNode & { x: number; y: number; width: number; height: number })[];
  edges: { from: string; to: string; order: number; points: { x: number; y: number }[] }[];
  width: number;
  height: number;
}

const NODE_HEIGHT = 34;

/** Positions of the nodes and the routes of the edges (parents above their children). */
export function layout(nodes: GraphNode[]): Placed {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 56, marginx: 12, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const known = new Set(nodes.map((n) => n.uuid));
  for (const node of nodes) graph.setNode(node.uuid, { width: Math.max(90, node.name.length * 8 + 24), height: NODE_HEIGHT });
  for (const node of nodes) {
    node.parents.forEach((parent, i) => {
      if (known.has(parent)) graph.setEdge(parent, node.uuid, { order: i + 1 }, `${parent}-${node.uuid}-${i}`);
    });
  }
  dagre.layout(graph);
  const placed: Placed = { nodes: [], edges: [], width: graph.graph().width ?? 0, height: graph.graph().height ?? 0 };
  for (const node of nodes) {
    const at = graph.node(node.uuid);
    placed.nodes.push({ ...node, x: at.x, y: at.y, width: at.width, height: at.height });
  }
  for (const edge of graph.edges()) {
    const data = graph.edge(edge) as { order: number; points: { x: number; y: number }[] };
    placed.edges.push({ from: edge.v, to: edge.w, order: data.order, points: data.points });
  }
  return placed;
}

export default function GraphScreen({ tenantUuid }: { tenantUuid: string }) {
  const query = useQuery<InheritanceGraphQuery, InheritanceGraphQueryVariables>(InheritanceGraphDocument, { tenantUuid });
  const [withEndpoints, setWithEndpoints] = useState(true);
  useConfigEvents((event) => {
    if (event.tenantUuid === tenantUuid) void query.reload();
  });
  const data = query.data;
  const placed = useMemo(() => {
    if (!data) return null;
    const nodes: GraphNode[] = data.templates.edges.map(({ node }) => ({
      uuid: node.uuid,
      name: node.name,
      kind: "template",
      parents: node.parents.map((p) => p.uuid),
      note: `${node.endpointCount} endpoint${node.endpointCount === 1 ? "" : "s"}`,
    }));
    if (withEndpoints) {
      for (const { node } of data.endpoints.edges) {
        nodes.push({ uuid: node.uuid, name: node.name, kind: "endpoint", parents: node.parents.map((p) => p.uuid) });
      }
    }
    return layout(nodes);
  }, [data, withEndpoints]);
  const open = (node: GraphNode) => navigate(`/tenants/${tenantUuid}/${node.kind === "template" ? "templates" : "endpoints"}/${node.uuid}`);

  return (
    <section data-screen="graph">
      <h2>Inheritance of {data?.tenant?.name ?? "…"}</h2>
      <ErrorBox error={query.error} />
      <label>
        <input type="checkbox" checked={withEndpoints} onChange={(e) => setWithEndpoints(e.target.checked)} /> show endpoints
      </label>
      {data && (data.templates.totalCount > data.templates.edges.length || data.endpoints.totalCount > data.endpoints.edges.length) && (
        <p className="hint">
          Showing {data.templates.edges.length} of {data.templates.totalCount} templates and {data.endpoints.edges.length} of{" "}
          {data.endpoints.totalCount} endpoints.
        </p>
      )}
      {placed && (
        <svg
          className="graph"
          width={placed.width}
          height={placed.height}
          viewBox={`0 0 ${placed.width} ${placed.height}`}
          role="img"
          aria-label="inheritance graph"
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="#7b8494" />
            </marker>
          </defs>
          {placed.edges.map((edge, i) => {
            const middle = edge.points[Math.floor(edge.points.length / 2)];
            return (
              <g key={i} className="graph-edge" data-from={edge.from} data-to={edge.to}>
                <polyline points={edge.points.map((p) => `${p.x},${p.y}`).join(" ")} fill="none" stroke="#7b8494" markerEnd="url(#arrow)" />
                <text x={middle.x + 4} y={middle.y} className="edge-order">
                  {edge.order}
                </text>
              </g>
            );
          })}
          {placed.nodes.map((node) => (
            <g
              key={node.uuid}
              className={`graph-node ${node.kind}`}
              data-name={node.name}
              data-uuid={node.uuid}
              transform={`translate(${node.x - node.width / 2},${node.y - node.height / 2})`}
              onClick={() => open(node)}
            >
              <title>{node.note ? `${node.name}: ${node.note}` : node.name}</title>
              <rect width={node.width} height={node.height} rx={node.kind === "template" ? 4 : 16} />
              <text x={node.width / 2} y={node.height / 2 + 4} textAnchor="middle">
                {node.name}
              </text>
            </g>
          ))}
        </svg>
      )}
      <p className="hint">Arrows go from a parent to its child; the number is the parent's place in the child's list (later wins).</p>
    </section>
  );
}
