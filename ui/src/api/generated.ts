export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date and time with its offset from UTC (RFC 3339), e.g. `2026-12-05T10:40:00+00:00`. */
  DateTime: { input: string; output: string; }
  /** A UUID in its canonical text form (RFC 9562), e.g. `6f1c2b9e-4d3a-4b8e-9c1f-2a7d5e0b3c41`. */
  UUID: { input: string; output: string; }
};

export type ApiToken = {
  createdAt: Scalars['DateTime']['output'];
  description: Maybe<Scalars['String']['output']>;
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  /** Accurate to about a minute. */
  lastUsedAt: Maybe<Scalars['DateTime']['output']>;
  revokedAt: Maybe<Scalars['DateTime']['output']>;
  scopes: Array<Scalars['String']['output']>;
  tenantUuid: Scalars['UUID']['output'];
  uuid: Scalars['UUID']['output'];
};

export type ApiTokenConnection = {
  edges: Array<ApiTokenEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ApiTokenEdge = {
  cursor: Scalars['String']['output'];
  node: ApiToken;
};

export type CatalogOption = {
  default: Maybe<Scalars['String']['output']>;
  deprecated: Scalars['Boolean']['output'];
  enumValues: Maybe<Array<Scalars['String']['output']>>;
  /** Repeating the key accumulates values instead of replacing. */
  multiple: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  objectType: Scalars['String']['output'];
  type: Scalars['String']['output'];
};

export type ChangeAction =
  | 'CREATED'
  | 'DELETED'
  | 'UPDATED';

export type ChangeSummary = {
  /** Endpoints whose objects were recomputed. */
  affectedEndpoints: Scalars['Int']['output'];
  dryRun: Scalars['Boolean']['output'];
  sorceryUpdates: Array<SorceryUpdate>;
};

export type ConfigChangeEvent = {
  action: ChangeAction;
  at: Scalars['DateTime']['output'];
  /** tenant, template or endpoint */
  kind: Scalars['String']['output'];
  revision: Maybe<Scalars['Int']['output']>;
  seq: Scalars['Int']['output'];
  tenantUuid: Maybe<Scalars['UUID']['output']>;
  uuid: Scalars['UUID']['output'];
};

export type ConfigKind =
  | 'ENDPOINT'
  | 'TEMPLATE';

export type CreateApiTokenInput = {
  description?: InputMaybe<Scalars['String']['input']>;
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
  scopes: Array<Scalars['String']['input']>;
  tenantUuid: Scalars['UUID']['input'];
};

export type CreateApiTokenPayload = {
  apiToken: ApiToken;
  /** The token itself: shown this once, only its hash is stored. */
  secret: Scalars['String']['output'];
};

export type CreateSipEndpointInput = {
  label?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  options?: InputMaybe<SipSectionsInput>;
  parentUuids?: InputMaybe<Array<Scalars['UUID']['input']>>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
  transportUuid?: InputMaybe<Scalars['UUID']['input']>;
};

export type CreateSipTemplateInput = {
  label?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  options?: InputMaybe<SipSectionsInput>;
  parentUuids?: InputMaybe<Array<Scalars['UUID']['input']>>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
  transportUuid?: InputMaybe<Scalars['UUID']['input']>;
};

export type CreateTenantInput = {
  name: Scalars['String']['input'];
  parentUuid?: InputMaybe<Scalars['UUID']['input']>;
  slug?: InputMaybe<Scalars['String']['input']>;
  withDefaultTemplates?: InputMaybe<Scalars['Boolean']['input']>;
};

export type DefaultTemplates = {
  general: Maybe<SipTemplate>;
  sip: Maybe<SipTemplate>;
  trunk: Maybe<SipTemplate>;
  webrtc: Maybe<SipTemplate>;
};

export type DeletePayload = {
  changes: ChangeSummary;
  uuid: Scalars['UUID']['output'];
};

export type Engine = Node & {
  globalOptions: Array<SipOption>;
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  systemOptions: Array<SipOption>;
  transports: Array<Transport>;
  uuid: Scalars['UUID']['output'];
};

/** What an import created (or would create), and what it could not map. */
export type ImportResult = {
  changes: ChangeSummary;
  dryRun: Scalars['Boolean']['output'];
  endpoints: Array<Scalars['String']['output']>;
  templates: Array<Scalars['String']['output']>;
  transports: Array<Scalars['String']['output']>;
  /** Each line or section not carried over: file:line, key, why. */
  unmapped: Array<Scalars['String']['output']>;
};

export type Mutation = {
  /** Needs tenants:write; never grants a scope the caller lacks. */
  createApiToken: CreateApiTokenPayload;
  createEndpoint: SipEndpointPayload;
  createTemplate: SipTemplatePayload;
  createTenant: TenantPayload;
  createTransport: Transport;
  deleteEndpoint: DeletePayload;
  /** Children lose the template from their parent lists; their objects are recomputed. */
  deleteTemplate: DeletePayload;
  /** Deletes the tenant, its sub-tenants, templates and endpoints. */
  deleteTenant: DeletePayload;
  /** fallbackUuid: move users of the transport there first; without it a used transport is not deleted. */
  deleteTransport: DeletePayload;
  /** Import a pjsip.conf sent as text into a tenant (atomic; includes are not followed). */
  importPjsipConf: ImportResult;
  /** Migrate a chan_sip sip.conf sent as text into a tenant created without default templates. */
  importSipConf: ImportResult;
  /** Needs tenants:write; the token is refused from its next request on. */
  revokeApiToken: ApiToken;
  /** Operator only. */
  setEngineOptions: Engine;
  updateEndpoint: SipEndpointPayload;
  /** expectedRevision: fail with CONFLICT if the stored revision differs. */
  updateTemplate: SipTemplatePayload;
  updateTenant: TenantPayload;
  updateTransport: Transport;
};


export type MutationCreateApiTokenArgs = {
  input: CreateApiTokenInput;
};


export type MutationCreateEndpointArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: CreateSipEndpointInput;
};


export type MutationCreateTemplateArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: CreateSipTemplateInput;
};


export type MutationCreateTenantArgs = {
  input: CreateTenantInput;
};


export type MutationCreateTransportArgs = {
  engine?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  options: Array<SipOptionInput>;
};


export type MutationDeleteEndpointArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  uuid: Scalars['UUID']['input'];
};


export type MutationDeleteTemplateArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  uuid: Scalars['UUID']['input'];
};


export type MutationDeleteTenantArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  uuid: Scalars['UUID']['input'];
};


export type MutationDeleteTransportArgs = {
  fallbackUuid?: InputMaybe<Scalars['UUID']['input']>;
  uuid: Scalars['UUID']['input'];
};


export type MutationImportPjsipConfArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid: Scalars['UUID']['input'];
  text: Scalars['String']['input'];
};


export type MutationImportSipConfArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid: Scalars['UUID']['input'];
  text: Scalars['String']['input'];
};


export type MutationRevokeApiTokenArgs = {
  uuid: Scalars['UUID']['input'];
};


export type MutationSetEngineOptionsArgs = {
  engine?: InputMaybe<Scalars['String']['input']>;
  globalOptions?: InputMaybe<Array<SipOptionInput>>;
  systemOptions?: InputMaybe<Array<SipOptionInput>>;
};


export type MutationUpdateEndpointArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  expectedRevision?: InputMaybe<Scalars['Int']['input']>;
  input: UpdateSipConfigInput;
  uuid: Scalars['UUID']['input'];
};


export type MutationUpdateTemplateArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  expectedRevision?: InputMaybe<Scalars['Int']['input']>;
  input: UpdateSipConfigInput;
  uuid: Scalars['UUID']['input'];
};


export type MutationUpdateTenantArgs = {
  input: UpdateTenantInput;
  uuid: Scalars['UUID']['input'];
};


export type MutationUpdateTransportArgs = {
  name?: InputMaybe<Scalars['String']['input']>;
  options?: InputMaybe<Array<SipOptionInput>>;
  uuid: Scalars['UUID']['input'];
};

/** An object with a globally unique, opaque `id`; `node(id:)` refetches it. */
export type Node = {
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
};

export type OrderDirection =
  | 'ASC'
  | 'DESC';

export type OverriddenSipOption = {
  origin: SipOptionOrigin;
  value: Scalars['String']['output'];
};

export type PageInfo = {
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor: Maybe<Scalars['String']['output']>;
};

/** How a pjsip.conf export writes inheritance. */
export type PjsipTemplates =
  | 'FLAT'
  | 'NATIVE';

export type Query = {
  /** Tokens of a tenant (with recurse, of its subtree); needs tenants:write. */
  apiTokens: ApiTokenConnection;
  endpoint: Maybe<SipEndpoint>;
  /** inheritsFrom: only endpoints whose resolution includes that template. */
  endpoints: SipEndpointConnection;
  engine: Maybe<Engine>;
  /** The object with this global `id`, under the same access rules as its own field: null when the id is malformed, the object does not exist, or the caller may not see it. */
  node: Maybe<Node>;
  /** The objects with these global ids, in the same order (null where `node` would be null); at most max_list_items ids. */
  nodes: Array<Maybe<Node>>;
  /** The documented options of a section (or of transport/global/system). */
  optionCatalog: Array<CatalogOption>;
  /** The engine's configuration as a pjsip.conf file Asterisk loads: FLAT writes every Sorcery object, NATIVE keeps tenant templates as [tpl](!) sections. Operators get the engine objects too. */
  pjsipConf: Scalars['String']['output'];
  /** The recorded Sorcery updates of an engine after a sequence number, oldest first. */
  sorceryUpdates: Array<SorceryUpdate>;
  template: Maybe<SipTemplate>;
  templates: SipTemplateConnection;
  tenant: Maybe<Tenant>;
  tenants: TenantConnection;
};


export type QueryApiTokensArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


export type QueryEndpointArgs = {
  uuid: Scalars['UUID']['input'];
};


export type QueryEndpointsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  direction?: InputMaybe<OrderDirection>;
  first?: InputMaybe<Scalars['Int']['input']>;
  inheritsFrom?: InputMaybe<Scalars['UUID']['input']>;
  orderBy?: InputMaybe<SipConfigOrder>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


export type QueryEngineArgs = {
  name?: InputMaybe<Scalars['String']['input']>;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type QueryOptionCatalogArgs = {
  objectType?: InputMaybe<Scalars['String']['input']>;
  section?: InputMaybe<SipSection>;
};


export type QueryPjsipConfArgs = {
  engine?: InputMaybe<Scalars['String']['input']>;
  templates?: InputMaybe<PjsipTemplates>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


export type QuerySorceryUpdatesArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  engine?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryTemplateArgs = {
  uuid: Scalars['UUID']['input'];
};


export type QueryTemplatesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  direction?: InputMaybe<OrderDirection>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<SipConfigOrder>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


export type QueryTenantArgs = {
  uuid: Scalars['UUID']['input'];
};


export type QueryTenantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};

export type ResolvedSipOption = {
  /** True when the value comes from a parent, not from the config itself. */
  inherited: Scalars['Boolean']['output'];
  key: Scalars['String']['output'];
  origin: SipOptionOrigin;
  /** Values of the same key that this one replaces, nearest first (empty for accumulating keys). */
  overrides: Array<OverriddenSipOption>;
  value: Scalars['String']['output'];
};

/** The options in effect after inheritance (docs/domain.md §4). */
export type ResolvedSipSections = {
  aor: Array<ResolvedSipOption>;
  auth: Array<ResolvedSipOption>;
  endpoint: Array<ResolvedSipOption>;
  identify: Array<ResolvedSipOption>;
  outboundAuth: Array<ResolvedSipOption>;
  registration: Array<ResolvedSipOption>;
  registrationOutboundAuth: Array<ResolvedSipOption>;
};

export type SipConfig = {
  createdAt: Scalars['DateTime']['output'];
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  kind: ConfigKind;
  label: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  own: SipSections;
  parents: Array<SipTemplate>;
  resolved: ResolvedSipSections;
  revision: Scalars['Int']['output'];
  tenant: Tenant;
  transport: Maybe<Transport>;
  updatedAt: Scalars['DateTime']['output'];
  uuid: Scalars['UUID']['output'];
};

export type SipConfigOrder =
  | 'CREATED_AT'
  | 'LABEL'
  | 'NAME';

export type SipEndpoint = Node & SipConfig & {
  createdAt: Scalars['DateTime']['output'];
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  kind: ConfigKind;
  label: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  own: SipSections;
  parents: Array<SipTemplate>;
  resolved: ResolvedSipSections;
  revision: Scalars['Int']['output'];
  /** The Sorcery objects this endpoint flattens into (docs/domain.md §5). */
  sorceryObjects: Array<SorceryObject>;
  tenant: Tenant;
  transport: Maybe<Transport>;
  updatedAt: Scalars['DateTime']['output'];
  uuid: Scalars['UUID']['output'];
};

export type SipEndpointConnection = {
  edges: Array<SipEndpointEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SipEndpointEdge = {
  cursor: Scalars['String']['output'];
  node: SipEndpoint;
};

export type SipEndpointPayload = {
  changes: ChangeSummary;
  endpoint: Maybe<SipEndpoint>;
};

export type SipOption = {
  key: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

export type SipOptionInput = {
  key: Scalars['String']['input'];
  value: Scalars['String']['input'];
};

/** Where a resolved value comes from. */
export type SipOptionOrigin = {
  kind: ConfigKind;
  label: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  uuid: Scalars['UUID']['output'];
};

export type SipSection =
  | 'AOR'
  | 'AUTH'
  | 'ENDPOINT'
  | 'IDENTIFY'
  | 'OUTBOUND_AUTH'
  | 'REGISTRATION'
  | 'REGISTRATION_OUTBOUND_AUTH';

/** The options a template or endpoint stores itself, in stored order. */
export type SipSections = {
  aor: Array<SipOption>;
  auth: Array<SipOption>;
  endpoint: Array<SipOption>;
  identify: Array<SipOption>;
  outboundAuth: Array<SipOption>;
  registration: Array<SipOption>;
  registrationOutboundAuth: Array<SipOption>;
};

/** Each section given replaces that whole section; an omitted section is unchanged; [] empties it. */
export type SipSectionsInput = {
  aor?: InputMaybe<Array<SipOptionInput>>;
  auth?: InputMaybe<Array<SipOptionInput>>;
  endpoint?: InputMaybe<Array<SipOptionInput>>;
  identify?: InputMaybe<Array<SipOptionInput>>;
  outboundAuth?: InputMaybe<Array<SipOptionInput>>;
  registration?: InputMaybe<Array<SipOptionInput>>;
  registrationOutboundAuth?: InputMaybe<Array<SipOptionInput>>;
};

export type SipTemplate = Node & SipConfig & {
  /** Templates and endpoints that list this template as a parent: at most `first` of them (default and bound: the server's max_list_items). Use `endpoints(inheritsFrom:)` to page through all. */
  children: Array<SipConfig>;
  createdAt: Scalars['DateTime']['output'];
  /** Number of endpoints whose resolution includes this template. */
  endpointCount: Scalars['Int']['output'];
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  kind: ConfigKind;
  label: Maybe<Scalars['String']['output']>;
  name: Scalars['String']['output'];
  own: SipSections;
  parents: Array<SipTemplate>;
  resolved: ResolvedSipSections;
  revision: Scalars['Int']['output'];
  tenant: Tenant;
  transport: Maybe<Transport>;
  updatedAt: Scalars['DateTime']['output'];
  uuid: Scalars['UUID']['output'];
};


export type SipTemplateChildrenArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type SipTemplateConnection = {
  edges: Array<SipTemplateEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type SipTemplateEdge = {
  cursor: Scalars['String']['output'];
  node: SipTemplate;
};

export type SipTemplatePayload = {
  changes: ChangeSummary;
  template: Maybe<SipTemplate>;
};

export type SorceryAction =
  | 'DELETE'
  | 'UPSERT';

export type SorceryObject = {
  fields: Array<SipOption>;
  id: Scalars['String']['output'];
  /** endpoint, aor, auth, identify, registration, transport, global, system */
  type: Scalars['String']['output'];
};

export type SorceryUpdate = {
  action: SorceryAction;
  changedKeys: Array<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  endpointUuid: Maybe<Scalars['UUID']['output']>;
  engine: Scalars['String']['output'];
  /** Full desired state for UPSERT; empty for DELETE. */
  fields: Array<SipOption>;
  objectId: Scalars['String']['output'];
  objectType: Scalars['String']['output'];
  requiresRecreate: Scalars['Boolean']['output'];
  requiresReload: Scalars['Boolean']['output'];
  /** Per-engine sequence number; null in a dry run. */
  seq: Maybe<Scalars['Int']['output']>;
  tenantUuid: Maybe<Scalars['UUID']['output']>;
};

export type Subscription = {
  /** Changes to tenants, templates and endpoints the caller can see; replays events after `after`, then goes live. */
  configChanged: ConfigChangeEvent;
  /** An engine's Sorcery updates; replays those after `after`, then goes live. Needs the secrets scope. */
  sorceryUpdates: SorceryUpdate;
};


export type SubscriptionConfigChangedArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


export type SubscriptionSorceryUpdatesArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  engine?: InputMaybe<Scalars['String']['input']>;
};

export type Tenant = Node & {
  /** Sub-tenants: at most `first` of them (default and bound: the server's max_list_items). Use `tenants` to page through all. */
  children: Array<Tenant>;
  createdAt: Scalars['DateTime']['output'];
  defaultTemplates: DefaultTemplates;
  engine: Engine;
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  parent: Maybe<Tenant>;
  slug: Scalars['String']['output'];
  uuid: Scalars['UUID']['output'];
};


export type TenantChildrenArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type TenantConnection = {
  edges: Array<TenantEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type TenantEdge = {
  cursor: Scalars['String']['output'];
  node: Tenant;
};

export type TenantPayload = {
  changes: ChangeSummary;
  tenant: Maybe<Tenant>;
};

export type Transport = Node & {
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  options: Array<SipOption>;
  uuid: Scalars['UUID']['output'];
};

/** An omitted field is unchanged; null clears label and transport; parentUuids replaces the list. */
export type UpdateSipConfigInput = {
  label?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  options?: InputMaybe<SipSectionsInput>;
  parentUuids?: InputMaybe<Array<Scalars['UUID']['input']>>;
  transportUuid?: InputMaybe<Scalars['UUID']['input']>;
};

export type UpdateTenantInput = {
  name?: InputMaybe<Scalars['String']['input']>;
};

export type OwnSectionsFragment = { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> };

export type ResolvedOptionFragment = { key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> };

export type ResolvedSectionsFragment = { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> };

type ConfigDetail_SipEndpoint_Fragment = { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } };

type ConfigDetail_SipTemplate_Fragment = { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } };

export type ConfigDetailFragment =
  | ConfigDetail_SipEndpoint_Fragment
  | ConfigDetail_SipTemplate_Fragment
;

export type ChangesFragment = { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> };

export type CatalogFragment = { name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean };

export type SignInQueryVariables = Exact<{ [key: string]: never; }>;


export type SignInQuery = { own: { edges: Array<{ node: { uuid: string, name: string, slug: string } }> } };

export type ProbeSipReadQueryVariables = Exact<{ [key: string]: never; }>;


export type ProbeSipReadQuery = { templates: { totalCount: number } };

export type ProbeTenantsWriteQueryVariables = Exact<{ [key: string]: never; }>;


export type ProbeTenantsWriteQuery = { apiTokens: { totalCount: number } };

export type TenantTreeQueryVariables = Exact<{ [key: string]: never; }>;


export type TenantTreeQuery = { tenants: { totalCount: number, edges: Array<{ node: { uuid: string, name: string, slug: string, parent: { uuid: string } | null } }> } };

export type TenantNameQueryVariables = Exact<{
  uuid: Scalars['UUID']['input'];
}>;


export type TenantNameQuery = { tenant: { uuid: string, name: string } | null };

export type CreateTenantMutationVariables = Exact<{
  input: CreateTenantInput;
}>;


export type CreateTenantMutation = { createTenant: { tenant: { uuid: string, name: string, slug: string } | null } };

export type RenameTenantMutationVariables = Exact<{
  uuid: Scalars['UUID']['input'];
  name: Scalars['String']['input'];
}>;


export type RenameTenantMutation = { updateTenant: { tenant: { uuid: string, name: string } | null } };

export type DeleteTenantMutationVariables = Exact<{
  uuid: Scalars['UUID']['input'];
  dryRun: Scalars['Boolean']['input'];
}>;


export type DeleteTenantMutation = { deleteTenant: { uuid: string, changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } } };

export type TemplateListQueryVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
  search?: InputMaybe<Scalars['String']['input']>;
  orderBy: SipConfigOrder;
  direction: OrderDirection;
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type TemplateListQuery = { tenant: { uuid: string, name: string, slug: string } | null, templates: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { uuid: string, name: string, label: string | null, revision: number, updatedAt: string, endpointCount: number, parents: Array<{ uuid: string, name: string }> } }> } };

export type EndpointListQueryVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
  search?: InputMaybe<Scalars['String']['input']>;
  inheritsFrom?: InputMaybe<Scalars['UUID']['input']>;
  orderBy: SipConfigOrder;
  direction: OrderDirection;
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type EndpointListQuery = { tenant: { uuid: string, name: string, slug: string } | null, endpoints: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { uuid: string, name: string, label: string | null, revision: number, updatedAt: string, parents: Array<{ uuid: string, name: string }> } }> }, filterTemplates: { edges: Array<{ node: { uuid: string, name: string } }> } };

export type ConfigEditorQueryVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
  uuid: Scalars['UUID']['input'];
  isTemplate: Scalars['Boolean']['input'];
}>;


export type ConfigEditorQuery = { template?: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, endpoint?: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, candidates: { edges: Array<{ node: { uuid: string, name: string } }> }, endpointCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }>, aorCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }>, authCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }>, identifyCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }>, registrationCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }>, registrationOutboundAuthCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }>, outboundAuthCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean }> };

export type ConfigCurrentQueryVariables = Exact<{
  uuid: Scalars['UUID']['input'];
  isTemplate: Scalars['Boolean']['input'];
}>;


export type ConfigCurrentQuery = { template?: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, endpoint?: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null };

export type CreateTemplateMutationVariables = Exact<{
  input: CreateSipTemplateInput;
}>;


export type CreateTemplateMutation = { createTemplate: { template: { uuid: string } | null } };

export type CreateEndpointMutationVariables = Exact<{
  input: CreateSipEndpointInput;
}>;


export type CreateEndpointMutation = { createEndpoint: { endpoint: { uuid: string } | null } };

export type UpdateTemplateMutationVariables = Exact<{
  uuid: Scalars['UUID']['input'];
  input: UpdateSipConfigInput;
  expectedRevision?: InputMaybe<Scalars['Int']['input']>;
  dryRun: Scalars['Boolean']['input'];
}>;


export type UpdateTemplateMutation = { updateTemplate: { template: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } } };

export type UpdateEndpointMutationVariables = Exact<{
  uuid: Scalars['UUID']['input'];
  input: UpdateSipConfigInput;
  expectedRevision?: InputMaybe<Scalars['Int']['input']>;
  dryRun: Scalars['Boolean']['input'];
}>;


export type UpdateEndpointMutation = { updateEndpoint: { endpoint: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } } };

export type DeleteConfigMutationVariables = Exact<{
  uuid: Scalars['UUID']['input'];
  isTemplate: Scalars['Boolean']['input'];
  dryRun: Scalars['Boolean']['input'];
}>;


export type DeleteConfigMutation = { deleteTemplate?: { changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } }, deleteEndpoint?: { changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } } };

export type ImportPjsipMutationVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
  text: Scalars['String']['input'];
  dryRun: Scalars['Boolean']['input'];
}>;


export type ImportPjsipMutation = { result: { dryRun: boolean, templates: Array<string>, endpoints: Array<string>, transports: Array<string>, unmapped: Array<string>, changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } } };

export type ImportSipMutationVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
  text: Scalars['String']['input'];
  dryRun: Scalars['Boolean']['input'];
}>;


export type ImportSipMutation = { result: { dryRun: boolean, templates: Array<string>, endpoints: Array<string>, transports: Array<string>, unmapped: Array<string>, changes: { dryRun: boolean, affectedEndpoints: number, sorceryUpdates: Array<{ seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean }> } } };

export type ExportPjsipQueryVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
  templates: PjsipTemplates;
}>;


export type ExportPjsipQuery = { pjsipConf: string };

export type InheritanceGraphQueryVariables = Exact<{
  tenantUuid: Scalars['UUID']['input'];
}>;


export type InheritanceGraphQuery = { tenant: { uuid: string, name: string } | null, templates: { totalCount: number, edges: Array<{ node: { uuid: string, name: string, endpointCount: number, parents: Array<{ uuid: string }> } }> }, endpoints: { totalCount: number, edges: Array<{ node: { uuid: string, name: string, parents: Array<{ uuid: string }> } }> } };

export type ConfigChangedSubscriptionVariables = Exact<{
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
}>;


export type ConfigChangedSubscription = { configChanged: { seq: number, action: ChangeAction, kind: string, uuid: string, tenantUuid: string | null, revision: number | null, at: string } };

export type SorceryActivitySubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SorceryActivitySubscription = { sorceryUpdates: { seq: number | null, action: SorceryAction, objectType: string, objectId: string, changedKeys: Array<string>, requiresRecreate: boolean, requiresReload: boolean, createdAt: string } };
