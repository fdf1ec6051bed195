import { lazy, Suspense, useEffect, useRef, useState, type FormEvent } from "react";
import { onTokenRejected, storedToken, storeToken, subscribe } from "./api/client";
import { ConfigChangedDocument, SorceryActivityDocument } from "./api/documents";
import type {
  ConfigChangedSubscription,
  SorceryActivitySubscription,
  SorceryActivitySubscriptionVariables,
} from "./api/generated";
import { storedIdentity, storeIdentity, whoAmI, type Identity } from "./identity";
import { Link, match, mayLeave, usePath } from "./router";
import { ConfigEditor } from "./screens/ConfigEditor";
import { ConfigList } from "./screens/ConfigList";
import { ImportScreen } from "./screens/ImportScreen";
import { TenantsScreen } from "./screens/TenantsScreen";
import { describeError, ErrorBox, publishConfigEvent } from "./ui/common";

// The graph and its layout library load only when the graph is opened.
const GraphScreen = lazy(() => import("./screens/GraphScreen"));

export function App() {
  const [identity, setIdentity] = useState<Identity | null>(() => (storedToken() ? storedIdentity() : null));
  const [notice, setNotice] = useState<string | null>(null);
  const signedIn = useRef(false);
  signedIn.current = identity !== null;
  const forgetToken = () => {
    sessionStorage.clear();
    storeToken(null);
    storeIdentity(null);
    setIdentity(null);
  };
  // A token that stops working (revoked, expired, its tenant deleted) signs the tab out.
  useEffect(
    () =>
      onTokenRejected((message) => {
        if (!signedIn.current) return;
        setNotice(`Signed out: ${message}`);
        forgetToken();
      }),
    [],
  );
  if (!identity) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(found) => {
          storeIdentity(found);
          setNotice(null);
          setIdentity(found);
        }}
      />
    );
  }
  const signOut = () => {
    if (mayLeave()) forgetToken();
  };
  return <Shell identity={identity} onSignOut={signOut} />;
}

function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (identity: Identity) => void }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    storeToken(token.trim());
    try {
      onSignedIn(await whoAmI());
    } catch (caught) {
      storeToken(null);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin" data-screen="sign-in">
      <h1>pjsip-graph admin</h1>
      {notice && (
        <p className="notice" role="status" data-testid="signed-out">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <label>
          API token
          <textarea
            name="token"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            rows={3}
            placeholder="Paste a token (pjsip-graph token create …, or ./data/admin.token)"
            autoComplete="off"
            spellCheck={false}
          />
        </label>
        <p className="hint">The token is kept by this tab only (sessionStorage), forgotten when it closes, and sent as a Bearer header.</p>
        <button type="submit" disabled={busy || !token.trim()}>
          Sign in
        </button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}

function Shell({ identity, onSignOut }: { identity: Identity; onSignOut: () => void }) {
  const path = usePath();
  const [liveError, setLiveError] = useState<string | null>(null);
  useEffect(
    () =>
      subscribe<ConfigChangedSubscription, Record<string, never>>(
        ConfigChangedDocument,
        {},
        (data) => {
          setLiveError(null);
          publishConfigEvent(data.configChanged);
        },
        (error) => setLiveError(describeError(error)),
      ),
    [],
  );
  // The menu follows the tenant being worked in (the address names it), else the token's own.
  const working = /^\/tenants\/([^/]+)/.exec(path)?.[1] ?? identity.tenant?.uuid;
  const home = working ? `/tenants/${working}/templates` : "/";
  return (
    <div className="shell">
      <header>
        <Link to="/" className="brand">
          pjsip-graph
        </Link>
        <nav>
          <Link to="/">Tenants</Link>
          {working && <Link to={home}>Templates</Link>}
          {working && <Link to={`/tenants/${working}/endpoints`}>Endpoints</Link>}
          {working && <Link to={`/tenants/${working}/import`}>Import</Link>}
          {working && <Link to={`/tenants/${working}/graph`}>Graph</Link>}
        </nav>
        <div className="who" data-testid="identity">
          <span>
            Tenant <strong data-testid="identity-tenant">{identity.tenant?.name ?? "—"}</strong>
          </span>
          <span className="scopes">
            {identity.scopes.map((s) => (
              <span key={s.scope} className={s.granted ? "scope granted" : "scope refused"} title={s.granted ? "granted" : "refused"}>
                {s.scope}
              </span>
            ))}
          </span>
          <span className={liveError ? "live off" : "live on"} title={liveError ?? "live updates on"}>
            {liveError ? "live: off" : "live"}
          </span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <div className="body">
        <main>
          <Route path={path} identity={identity} />
        </main>
        <Activity />
      </div>
    </div>
  );
}

function Route({ path, identity }: { path: string; identity: Identity }) {
  let params: Record<string, string> | null;
  if ((params = match("/tenants/:tenant/templates/:uuid", path)))
    return <ConfigEditor key={params.uuid} tenantUuid={params.tenant} uuid={params.uuid} kind="TEMPLATE" />;
  if ((params = match("/tenants/:tenant/endpoints/:uuid", path)))
    return <ConfigEditor key={params.uuid} tenantUuid={params.tenant} uuid={params.uuid} kind="ENDPOINT" />;
  if ((params = match("/tenants/:tenant/templates", path)))
    return <ConfigList key={`t${params.tenant}`} tenantUuid={params.tenant} kind="TEMPLATE" />;
  if ((params = match("/tenants/:tenant/endpoints", path)))
    return <ConfigList key={`e${params.tenant}`} tenantUuid={params.tenant} kind="ENDPOINT" />;
  if ((params = match("/tenants/:tenant/graph", path)))
    return (
      <Suspense fallback={<p className="hint">Loading…</p>}>
        <GraphScreen key={params.tenant} tenantUuid={params.tenant} />
      </Suspense>
    );
  if ((params = match("/tenants/:tenant/import", path)))
    return <ImportScreen key={params.tenant} tenantUuid={params.tenant} />;
  if (path === "/" || path === "/tenants") return <TenantsScreen rootUuid={identity.tenant?.uuid ?? null} />;
  return (
    <div data-screen="not-found">
      <h2>Nothing here</h2>
      <Link to="/">Back to the tenants</Link>
    </div>
  );
}

type ActivityItem = SorceryActivitySubscription["sorceryUpdates"];

const ACTIVITY_KEY = "pjsip-graph.activity";
const ACTIVITY_KEPT = 100;

function keptActivity(): ActivityItem[] {
  return JSON.parse(sessionStorage.getItem(ACTIVITY_KEY) ?? "[]") as ActivityItem[];
}

/**
 * The engine's Sorcery updates as they are recorded (the `sorceryUpdates` subscription). The
 * last ones are kept for the tab; after a reload the subscription resumes after the last one
 * seen, so the server replays what was missed, with no gap and no duplicate.
 */
function Activity() {
  const [items, setItems] = useState<ActivityItem[]>(keptActivity);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(true);
  useEffect(() => {
    let stop = () => undefined as void;
    const start = (after: number | null) => {
      stop = subscribe<SorceryActivitySubscription, SorceryActivitySubscriptionVariables>(
        SorceryActivityDocument,
        { after },
        (data) => {
          setError(null);
          setItems((list) => {
            const item = data.sorceryUpdates;
            if (list.length && item.seq !== null && list[0].seq !== null && item.seq <= list[0].seq) return list;
            const next = [item, ...list].slice(0, ACTIVITY_KEPT);
            sessionStorage.setItem(ACTIVITY_KEY, JSON.stringify(next));
            return next;
          });
        },
        (caught) => {
          if (after !== null) {
            // Too old to replay (retention): start again from now on.
            sessionStorage.removeItem(ACTIVITY_KEY);
            setItems([]);
            start(null);
          } else setError(describeError(caught));
        },
      );
    };
    start(keptActivity()[0]?.seq ?? null);
    return () => stop();
  }, []);
  return (
    <aside className={open ? "activity" : "activity closed"} data-testid="activity">
      <button type="button" className="link" onClick={() => setOpen(!open)}>
        {open ? "Hide activity" : "Activity"}
      </button>
      {open && (
        <>
          <h3>Activity</h3>
          {error && <p className="error">Sorcery updates are not available: {error}</p>}
          {!error && items.length === 0 && <p className="hint">Sorcery updates recorded from now on appear here.</p>}
          <ol>
            {items.map((u) => (
              <li key={u.seq} className="activity-item">
                <span className="seq">#{u.seq}</span> {u.action} {u.objectType} <code>{u.objectId}</code>
                {u.changedKeys.length > 0 && <span className="keys"> {u.changedKeys.join(", ")}</span>}
                {u.requiresRecreate && <span className="flag">recreate</span>}
                {u.requiresReload && <span className="flag">reload</span>}
              </li>
            ))}
          </ol>
        </>
      )}
    </aside>
  );
}
