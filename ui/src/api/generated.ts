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

/** An API token: who may call the API, for which tenant subtree and with which scopes. The secret itself is never shown again. */
export type ApiToken = {
  /** When the token was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Free text given at creation, to tell tokens apart. */
  description: Maybe<Scalars['String']['output']>;
  /** When the token stops working; null: never. */
  expiresAt: Maybe<Scalars['DateTime']['output']>;
  /** Accurate to about a minute. */
  lastUsedAt: Maybe<Scalars['DateTime']['output']>;
  /** When the token was revoked; null while it is valid. */
  revokedAt: Maybe<Scalars['DateTime']['output']>;
  /** What the token may do: tenants:read, tenants:write, sip:read, sip:write, secrets:read, engine:admin, or * (all). */
  scopes: Array<Scalars['String']['output']>;
  /** The tenant whose subtree the token acts on. */
  tenantUuid: Scalars['UUID']['output'];
  /** The token's identifier (not its secret). */
  uuid: Scalars['UUID']['output'];
};

/** A page of API tokens, oldest first. */
export type ApiTokenConnection = {
  /** The page's tokens with their cursors. */
  edges: Array<ApiTokenEdge>;
  /** The page's tokens, in order: `edges` without the cursors. */
  nodes: Array<ApiToken>;
  /** Cursors and whether more pages exist, either way. */
  pageInfo: PageInfo;
  /** How many tokens the list holds in all pages. */
  totalCount: Scalars['Int']['output'];
};

/** A token of the page and its cursor. */
export type ApiTokenEdge = {
  /** Opaque position of this token: pass it as `after` or `before`. */
  cursor: Scalars['String']['output'];
  /** The token. */
  node: ApiToken;
};

/** An option Asterisk documents for a Sorcery object type, with what the API checks about its values. */
export type CatalogOption = {
  /** Asterisk's default when the option is not set; null when it has none. */
  default: Maybe<Scalars['String']['output']>;
  /** Asterisk documents the option as deprecated; it is still accepted. */
  deprecated: Scalars['Boolean']['output'];
  /** The values Asterisk accepts, when they form a closed set; else null. */
  enumValues: Maybe<Array<Scalars['String']['output']>>;
  /** Largest accepted value of an integer option (text: it may not fit a GraphQL Int); else null. */
  maximum: Maybe<Scalars['String']['output']>;
  /** Smallest accepted value of an integer option (text: it may not fit a GraphQL Int); else null. */
  minimum: Maybe<Scalars['String']['output']>;
  /** Repeating the key accumulates values instead of replacing. */
  multiple: Scalars['Boolean']['output'];
  /** The option's key in pjsip.conf (and in `SipOption.key`). */
  name: Scalars['String']['output'];
  /**
   * The Sorcery object type: endpoint, aor, auth, identify, registration, transport, global or system.
   * @deprecated Use sorceryType, an enum of the same values.
   */
  objectType: Scalars['String']['output'];
  /** A secret (a password, a key): masked as ******** without the secrets scope, and best kept off screen until asked for. */
  secret: Scalars['Boolean']['output'];
  /** The Sorcery object type the option belongs to. */
  sorceryType: SorceryObjectType;
  /**
   * How Asterisk reads the value: boolean, integer, unsigned, double, string, codec or custom.
   * @deprecated Use valueType, an enum of the same values.
   */
  type: Scalars['String']['output'];
  /** How Asterisk reads the value. */
  valueType: OptionValueType;
};

/** What happened to a tenant, template or endpoint. */
export type ChangeAction =
  /** It was created. */
  | 'CREATED'
  /** It was deleted. */
  | 'DELETED'
  /** It was changed (name, label, parents, transport or options). */
  | 'UPDATED';

/** The Sorcery updates a mutation recorded, in the order Asterisk must apply them (or would record, in a dry run). */
export type ChangeSummary = {
  /** Endpoints whose objects were recomputed. */
  affectedEndpoints: Scalars['Int']['output'];
  /** True when nothing was stored: the updates show what the mutation would record. */
  dryRun: Scalars['Boolean']['output'];
  /** How many per-object updates there are, without fetching them. */
  sorceryUpdateCount: Scalars['Int']['output'];
  /** The per-object updates, in order; empty when no Sorcery object changes. */
  sorceryUpdates: Array<SorceryUpdate>;
};

/** What a configuration change event is about. */
export type ChangedObjectKind =
  /** An endpoint was created, changed or deleted. */
  | 'ENDPOINT'
  /** A template was created, changed or deleted. */
  | 'TEMPLATE'
  /** A tenant was created, renamed or deleted. */
  | 'TENANT';

/** A change to a tenant, template or endpoint, numbered per engine. */
export type ConfigChangeEvent = {
  /** Created, updated or deleted. */
  action: ChangeAction;
  /** When the change was committed. */
  at: Scalars['DateTime']['output'];
  /**
   * tenant, template or endpoint
   * @deprecated Use objectKind, an enum of the same values.
   */
  kind: Scalars['String']['output'];
  /** What changed: a tenant, a template or an endpoint (`uuid` names it). */
  objectKind: ChangedObjectKind;
  /** The template's or endpoint's revision after the change; null for tenants and deletions. */
  revision: Maybe<Scalars['Int']['output']>;
  /** Per-engine sequence number of the event: resume with `after` set to the last one seen. */
  seq: Scalars['Int']['output'];
  /** The tenant it belongs to (for a tenant's own events, the tenant itself). */
  tenantUuid: Maybe<Scalars['UUID']['output']>;
  /** The uuid of what changed. */
  uuid: Scalars['UUID']['output'];
};

/** Whether a configuration is a template or an endpoint. */
export type ConfigKind =
  /** An endpoint (a line or a trunk): it becomes Sorcery objects in Asterisk. */
  | 'ENDPOINT'
  /** A template: options that endpoints and other templates inherit; Asterisk never sees it. */
  | 'TEMPLATE';

/** A new API token. */
export type CreateApiTokenInput = {
  /** Free text to tell the token apart. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** When the token stops working; give this or expiresInSeconds, or neither (no expiry). */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** Lifetime in seconds from now, instead of expiresAt. */
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** The scopes to grant (see `ApiToken.scopes`); never more than the caller has. */
  scopes: Array<Scalars['String']['input']>;
  /** The tenant whose subtree the token acts on: the caller's tenant or one below it. */
  tenantUuid: Scalars['UUID']['input'];
};

/** A created token and its secret. */
export type CreateApiTokenPayload = {
  /** The token as listed from now on. */
  apiToken: ApiToken;
  /** The token itself: shown this once, only its hash is stored. */
  secret: Scalars['String']['output'];
};

/** A new endpoint (line or trunk). */
export type CreateSipEndpointInput = {
  /** A display name for people; not sent to Asterisk. */
  label?: InputMaybe<Scalars['String']['input']>;
  /** Its Sorcery id: 1 to 79 of A-Z a-z 0-9 - _ ., unique among the engine's endpoints and transports, not starting with `outbound_auth_` or `auth_reg_`; default: 8 random lowercase letters and digits. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Its own options, per section. */
  options?: InputMaybe<SipSectionsInput>;
  /** Templates to inherit from, in order: a later parent overrides an earlier one. */
  parentUuids?: InputMaybe<Array<Scalars['UUID']['input']>>;
  /** Its tenant; default: the caller's tenant. */
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
  /** The engine transport the endpoint uses; default: inherited, or Asterisk's choice. */
  transportUuid?: InputMaybe<Scalars['UUID']['input']>;
};

/** A new template. */
export type CreateSipTemplateInput = {
  /** A display name for people. */
  label?: InputMaybe<Scalars['String']['input']>;
  /** Unique in the tenant: 1 to 79 of A-Z a-z 0-9 - _ . */
  name: Scalars['String']['input'];
  /** Its own options, per section. */
  options?: InputMaybe<SipSectionsInput>;
  /** Templates to inherit from, in order: a later parent overrides an earlier one. */
  parentUuids?: InputMaybe<Array<Scalars['UUID']['input']>>;
  /** Its tenant; default: the caller's tenant. */
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
  /** The transport its inheritors use unless they set their own. */
  transportUuid?: InputMaybe<Scalars['UUID']['input']>;
};

/** A new tenant. */
export type CreateTenantInput = {
  /** Display name, unique among its siblings. */
  name: Scalars['String']['input'];
  /** The parent tenant; default: the caller's tenant. */
  parentUuid?: InputMaybe<Scalars['UUID']['input']>;
  /** Short unique id (a-z 0-9 -, at most 63); default: made from the name. */
  slug?: InputMaybe<Scalars['String']['input']>;
  /** Create the templates general, sip, webrtc and trunk in it (default true). */
  withDefaultTemplates?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A new transport of an engine. */
export type CreateTransportInput = {
  /** The engine's name. */
  engine?: InputMaybe<Scalars['String']['input']>;
  /** Unique on the engine, and not the name of one of its endpoints. */
  name: Scalars['String']['input'];
  /** The transport's options (`protocol`, `bind`...), checked against the catalog. */
  options: Array<SipOptionInput>;
};

/** The templates created with a tenant, by role; null once deleted. */
export type DefaultTemplates = {
  /** Options every line and trunk inherits. */
  general: Maybe<SipTemplate>;
  /** Options of a SIP phone line (inherits general). */
  sip: Maybe<SipTemplate>;
  /** Options of a trunk to a provider (inherits general). */
  trunk: Maybe<SipTemplate>;
  /** Options of a WebRTC line (inherits general). */
  webrtc: Maybe<SipTemplate>;
};

/** What a deletion removed and recorded. */
export type DeletePayload = {
  /** The Sorcery updates recorded: deletions, and recomputed inheritors. */
  changes: ChangeSummary;
  /** The uuid of what was deleted (or would be, in a dry run). */
  uuid: Scalars['UUID']['output'];
};

/** An Asterisk instance the configuration is for: its global and system objects and transports. */
export type Engine = Node & {
  /** Options of the engine's `global` Sorcery object. */
  globalOptions: Array<SipOption>;
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** The engine's name (`default` for the first one). */
  name: Scalars['String']['output'];
  /** Options of the engine's `system` Sorcery object. */
  systemOptions: Array<SipOption>;
  /** The engine's transports, by name; their secrets are masked without the secrets scope. */
  transports: Array<Transport>;
  /** The engine's identifier. */
  uuid: Scalars['UUID']['output'];
};

/** The engine after the change (as it would be, in a dry run) and what it records. */
export type EnginePayload = {
  /** The Sorcery updates recorded (or that would be). */
  changes: ChangeSummary;
  /** The engine as stored (or as it would be). */
  engine: Engine;
};

/** What an import created (or would create), and what it could not map. */
export type ImportResult = {
  /** The Sorcery updates recorded (or that would be). */
  changes: ChangeSummary;
  /** True when nothing was stored: the lists show what the import would create. */
  dryRun: Scalars['Boolean']['output'];
  /** Names of the endpoints created. */
  endpoints: Array<Scalars['String']['output']>;
  /** Names of the templates created. */
  templates: Array<Scalars['String']['output']>;
  /** Names of the transports created (operator only). */
  transports: Array<Scalars['String']['output']>;
  /** Each line or section not carried over: file:line, key, why. */
  unmapped: Array<Scalars['String']['output']>;
};

/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type Mutation = {
  /** Needs tenants:write; never grants a scope the caller lacks. */
  createApiToken: CreateApiTokenPayload;
  /** Create an endpoint (line or trunk) and record its Sorcery objects. Needs sip:write. */
  createEndpoint: SipEndpointPayload;
  /** Add a transport to an engine. Operator only. */
  createEngineTransport: TransportPayload;
  /** Create a template. Needs sip:write. */
  createTemplate: SipTemplatePayload;
  /** Create a tenant below the caller's (or below parentUuid), with default templates unless told otherwise. Needs tenants:write. */
  createTenant: TenantPayload;
  /**
   * Add a transport to an engine. Operator only.
   * @deprecated Use createEngineTransport: an input object, dryRun, and the recorded changes in its answer.
   */
  createTransport: Transport;
  /** Delete an endpoint and record the deletion of its Sorcery objects. Needs sip:write. */
  deleteEndpoint: DeletePayload;
  /** Children lose the template from their parent lists; their objects are recomputed. */
  deleteTemplate: DeletePayload;
  /** Deletes the tenant, its sub-tenants, templates and endpoints. */
  deleteTenant: DeletePayload;
  /** Delete a transport. A transport still used needs `fallbackUuid`: its users move there first. Operator only. */
  deleteTransport: DeletePayload;
  /** Import a pjsip.conf sent as text into a tenant (atomic; includes are not followed). */
  importPjsipConf: ImportResult;
  /** Migrate a chan_sip sip.conf sent as text into a tenant created without default templates. */
  importSipConf: ImportResult;
  /** Needs tenants:write; the token is refused from its next request on. */
  revokeApiToken: ApiToken;
  /**
   * Replace an engine's `global` and/or `system` options. Operator only.
   * @deprecated Use updateEngine: an input object, dryRun, and the recorded changes in its answer.
   */
  setEngineOptions: Engine;
  /** Change an endpoint and record the changes of its Sorcery objects. Needs sip:write. */
  updateEndpoint: SipEndpointPayload;
  /** Replace the options of an engine's `global` and/or `system` objects. Operator only. */
  updateEngine: EnginePayload;
  /** Change a transport; a rename re-points the endpoints that use it. Operator only. */
  updateEngineTransport: TransportPayload;
  /** Change a template; the objects of every endpoint that inherits from it are recomputed and their changes recorded. Needs sip:write. */
  updateTemplate: SipTemplatePayload;
  /** Rename a tenant. Needs tenants:write. */
  updateTenant: TenantPayload;
  /**
   * Change a transport. Operator only.
   * @deprecated Use updateEngineTransport: an input object, dryRun, and the recorded changes in its answer.
   */
  updateTransport: Transport;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationCreateApiTokenArgs = {
  input: CreateApiTokenInput;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationCreateEndpointArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: CreateSipEndpointInput;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationCreateEngineTransportArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: CreateTransportInput;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationCreateTemplateArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: CreateSipTemplateInput;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationCreateTenantArgs = {
  input: CreateTenantInput;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationCreateTransportArgs = {
  engine?: InputMaybe<Scalars['String']['input']>;
  name: Scalars['String']['input'];
  options: Array<SipOptionInput>;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationDeleteEndpointArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationDeleteTemplateArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationDeleteTenantArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationDeleteTransportArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  fallbackUuid?: InputMaybe<Scalars['UUID']['input']>;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationImportPjsipConfArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid: Scalars['UUID']['input'];
  text: Scalars['String']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationImportSipConfArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid: Scalars['UUID']['input'];
  text: Scalars['String']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationRevokeApiTokenArgs = {
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationSetEngineOptionsArgs = {
  engine?: InputMaybe<Scalars['String']['input']>;
  globalOptions?: InputMaybe<Array<SipOptionInput>>;
  systemOptions?: InputMaybe<Array<SipOptionInput>>;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationUpdateEndpointArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  expectedRevision?: InputMaybe<Scalars['Int']['input']>;
  input: UpdateSipConfigInput;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationUpdateEngineArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: UpdateEngineInput;
  name?: InputMaybe<Scalars['String']['input']>;
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationUpdateEngineTransportArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  input: UpdateTransportInput;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationUpdateTemplateArgs = {
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  expectedRevision?: InputMaybe<Scalars['Int']['input']>;
  input: UpdateSipConfigInput;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
export type MutationUpdateTenantArgs = {
  input: UpdateTenantInput;
  uuid: Scalars['UUID']['input'];
};


/** Changes. Each one is a transaction: it is stored with its Sorcery updates and change events, or not at all. */
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

/** How Asterisk reads an option's value. */
export type OptionValueType =
  /** yes/no (also true/false, on/off, 1/0). */
  | 'BOOLEAN'
  /** A comma separated list of codec names, or `all`. */
  | 'CODEC'
  /** Read by the option's own handler: see `enumValues`, or Asterisk's documentation. */
  | 'CUSTOM'
  /** A decimal number. */
  | 'DOUBLE'
  /** A signed 32-bit integer (Asterisk reads 0x as hex, 0 as octal). */
  | 'INTEGER'
  /** Free text. */
  | 'STRING'
  /** An unsigned 32-bit integer. */
  | 'UNSIGNED';

/** Sort order of a list. */
export type OrderDirection =
  /** Ascending. */
  | 'ASC'
  /** Descending. */
  | 'DESC';

/** A value of an option that a nearer one replaces. */
export type OverriddenSipOption = {
  /** The template (or endpoint) that sets it. */
  origin: SipOptionOrigin;
  /** The replaced value. */
  value: Scalars['String']['output'];
};

/** Where a page sits in its list (Relay's connection specification). */
export type PageInfo = {
  /** Cursor of the last item; null for an empty page. */
  endCursor: Maybe<Scalars['String']['output']>;
  /** More items follow the page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Items precede the page (when reading forwards: whether `after` was given). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item; null for an empty page. */
  startCursor: Maybe<Scalars['String']['output']>;
};

/** A Sorcery object an endpoint becomes (docs/domain.md §5), as Asterisk receives it; secrets are masked without the secrets scope. */
export type PjsipObject = Node & {
  /** The object's options, in the order Asterisk applies them. */
  fields: Array<SipOption>;
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** The object's id in Asterisk: unique per type only (an endpoint, its aor and its auth share it). */
  sorceryId: Scalars['String']['output'];
  /** The object's type. */
  sorceryType: SorceryObjectType;
};

/** How a pjsip.conf export writes inheritance. */
export type PjsipTemplates =
  /** Every endpoint written with all its resolved options; no templates. */
  | 'FLAT'
  /** Each template section written as an Asterisk template `[tpl:<tenant slug>:<template>:<section>](!)` that endpoint sections inherit from; Asterisk resolves them to the same objects. */
  | 'NATIVE';

/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type Query = {
  /** Tokens of a tenant (with recurse, of its subtree); needs tenants:write. */
  apiTokens: ApiTokenConnection;
  /** An endpoint the caller can see; null otherwise. Needs sip:read. */
  endpoint: Maybe<SipEndpoint>;
  /** A tenant's endpoints (lines and trunks). Needs sip:read. */
  endpoints: SipEndpointConnection;
  /** An engine: the caller's own, or any for an operator; null otherwise. Needs sip:read. */
  engine: Maybe<Engine>;
  /** The object with this global `id`, under the same access rules as its own field: null when the id is malformed, the object does not exist, or the caller may not see it. */
  node: Maybe<Node>;
  /** The objects with these global ids, in the same order (null where `node` would be null); at most max_list_items ids. */
  nodes: Array<Maybe<Node>>;
  /** The options Asterisk documents for a section of a template or endpoint, or for a Sorcery object type (transport, global, system): give exactly one of `section` and `sorceryType`. Needs sip:read. */
  optionCatalog: Array<CatalogOption>;
  /** The engine's configuration as a pjsip.conf file Asterisk loads: FLAT writes every Sorcery object, NATIVE keeps tenant templates as [tpl](!) sections. Operators get the engine objects too. */
  pjsipConf: Scalars['String']['output'];
  /** The recorded Sorcery updates of an engine after a sequence number, oldest first. Needs the secrets scope; a tenant's token sees its tenants' updates only. An `after` beyond the last recorded sequence, or older than what is retained, is refused (BAD_USER_INPUT, `extensions.reason`): resynchronise instead of waiting for numbers that will not come. */
  sorceryUpdates: Array<SorceryUpdate>;
  /** A template the caller can see; null otherwise. Needs sip:read. */
  template: Maybe<SipTemplate>;
  /** A tenant's templates. Needs sip:read. */
  templates: SipTemplateConnection;
  /** A tenant the caller can see; null otherwise. Needs tenants:read. */
  tenant: Maybe<Tenant>;
  /** The caller's tenant and, with recurse, every tenant below it, by name. Needs tenants:read. */
  tenants: TenantConnection;
  /** Who the calling token is: its tenant and scopes. Any valid token may ask, whatever its scopes. */
  viewer: Viewer;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryApiTokensArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryEndpointArgs = {
  uuid: Scalars['UUID']['input'];
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryEndpointsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  direction?: InputMaybe<OrderDirection>;
  first?: InputMaybe<Scalars['Int']['input']>;
  inheritsFrom?: InputMaybe<Scalars['UUID']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<SipConfigOrder>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryEngineArgs = {
  name?: InputMaybe<Scalars['String']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryNodesArgs = {
  ids: Array<Scalars['ID']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryOptionCatalogArgs = {
  objectType?: InputMaybe<Scalars['String']['input']>;
  section?: InputMaybe<SipSection>;
  sorceryType?: InputMaybe<SorceryObjectType>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryPjsipConfArgs = {
  engine?: InputMaybe<Scalars['String']['input']>;
  templates?: InputMaybe<PjsipTemplates>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QuerySorceryUpdatesArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  engine?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryTemplateArgs = {
  uuid: Scalars['UUID']['input'];
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryTemplatesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  direction?: InputMaybe<OrderDirection>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<SipConfigOrder>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryTenantArgs = {
  uuid: Scalars['UUID']['input'];
};


/** Reads. Each needs a token (`Authorization: Bearer`) and shows only what its tenant subtree and scopes allow. */
export type QueryTenantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};

/** An option in effect after inheritance, with where it comes from. */
export type ResolvedSipOption = {
  /** True when the value comes from a parent, not from the config itself. */
  inherited: Scalars['Boolean']['output'];
  /** The option's key in pjsip.conf; `optionCatalog` documents each. */
  key: Scalars['String']['output'];
  /** The template or endpoint that sets this value. */
  origin: SipOptionOrigin;
  /** Values of the same key that this one replaces, nearest first (empty for accumulating keys). */
  overrides: Array<OverriddenSipOption>;
  /** The value in effect; secrets are masked without the secrets scope. */
  value: Scalars['String']['output'];
};

/** The options in effect after inheritance (docs/domain.md §4). */
export type ResolvedSipSections = {
  /** Options of the aor object. */
  aor: Array<ResolvedSipOption>;
  /** Options of the inbound auth object. */
  auth: Array<ResolvedSipOption>;
  /** Options of the endpoint object. */
  endpoint: Array<ResolvedSipOption>;
  /** Options of the identify object. */
  identify: Array<ResolvedSipOption>;
  /** Options of the auth object the endpoint uses for outbound requests. */
  outboundAuth: Array<ResolvedSipOption>;
  /** Options of the outbound registration. */
  registration: Array<ResolvedSipOption>;
  /** Options of the auth object the registration uses. */
  registrationOutboundAuth: Array<ResolvedSipOption>;
};

/** A template or an endpoint: its own options, its parents, and what it resolves to. */
export type SipConfig = {
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** Template or endpoint. */
  kind: ConfigKind;
  /** A display name for people; null when not set. */
  label: Maybe<Scalars['String']['output']>;
  /** A template's name in its tenant, or an endpoint's Sorcery id on its engine. */
  name: Scalars['String']['output'];
  /** The options it sets itself, in stored order. */
  own: SipSections;
  /** The templates it inherits from, in order: a later one overrides an earlier one. */
  parents: Array<SipTemplate>;
  /** The options in effect after inheritance (docs/domain.md §4). */
  resolved: ResolvedSipSections;
  /** Increases with every change: send it as `expectedRevision` to detect concurrent edits. */
  revision: Scalars['Int']['output'];
  /** The tenant it belongs to. */
  tenant: Tenant;
  /** Its own transport; null when it inherits one or sets none. */
  transport: Maybe<Transport>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** The configuration's identifier, used in arguments. */
  uuid: Scalars['UUID']['output'];
};

/** Sort key of template and endpoint lists. */
export type SipConfigOrder =
  /** By creation time. */
  | 'CREATED_AT'
  /** By label (no label sorts as empty). */
  | 'LABEL'
  /** By name. */
  | 'NAME';

/** A line or trunk: it becomes Sorcery objects in Asterisk. */
export type SipEndpoint = Node & SipConfig & {
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** Template or endpoint. */
  kind: ConfigKind;
  /** A display name for people; null when not set. */
  label: Maybe<Scalars['String']['output']>;
  /** A template's name in its tenant, or an endpoint's Sorcery id on its engine. */
  name: Scalars['String']['output'];
  /** The options it sets itself, in stored order. */
  own: SipSections;
  /** The templates it inherits from, in order: a later one overrides an earlier one. */
  parents: Array<SipTemplate>;
  /** The Sorcery objects this endpoint flattens into (docs/domain.md §5), in the order Asterisk needs them: auth and aor before the endpoint that names them. */
  pjsipObjects: Array<PjsipObject>;
  /** The options in effect after inheritance (docs/domain.md §4). */
  resolved: ResolvedSipSections;
  /** Increases with every change: send it as `expectedRevision` to detect concurrent edits. */
  revision: Scalars['Int']['output'];
  /**
   * The Sorcery objects this endpoint flattens into (docs/domain.md §5).
   * @deprecated Use pjsipObjects: the same objects with a unique `id`, so that client caches keep the endpoint, its aor and its auth apart (here they share `id`).
   */
  sorceryObjects: Array<SorceryObject>;
  /** The tenant it belongs to. */
  tenant: Tenant;
  /** Its own transport; null when it inherits one or sets none. */
  transport: Maybe<Transport>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** The configuration's identifier, used in arguments. */
  uuid: Scalars['UUID']['output'];
};

/** A page of endpoints. */
export type SipEndpointConnection = {
  /** The page's endpoints with their cursors. */
  edges: Array<SipEndpointEdge>;
  /** The page's endpoints, in order: `edges` without the cursors. */
  nodes: Array<SipEndpoint>;
  /** Cursors and whether more pages exist, either way. */
  pageInfo: PageInfo;
  /** How many items the list holds in all pages (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

/** An endpoint of the page and its cursor. */
export type SipEndpointEdge = {
  /** Opaque position of this endpoint: pass it as `after` or `before`. */
  cursor: Scalars['String']['output'];
  /** The endpoint. */
  node: SipEndpoint;
};

/** The endpoint after the mutation, and what it recorded. */
export type SipEndpointPayload = {
  /** The Sorcery updates recorded (or that would be). */
  changes: ChangeSummary;
  /** The endpoint as stored (or as it would be, in a dry run). */
  endpoint: Maybe<SipEndpoint>;
};

/** One option: a pjsip.conf key and its value. Accumulating keys (allow, set_var...) may repeat. */
export type SipOption = {
  /** The option's key in pjsip.conf; `optionCatalog` documents each. */
  key: Scalars['String']['output'];
  /** The value as Asterisk reads it; secrets are masked without the secrets scope. */
  value: Scalars['String']['output'];
};

/** One option to set: a pjsip.conf key and its value, checked against the catalog. */
export type SipOptionInput = {
  /** The option's key in pjsip.conf (a misspelling gets a suggestion). */
  key: Scalars['String']['input'];
  /** The value, as it would be written in pjsip.conf. */
  value: Scalars['String']['input'];
};

/** Where a resolved value comes from. */
export type SipOptionOrigin = {
  /** Template, or the endpoint itself. */
  kind: ConfigKind;
  /** Its label. */
  label: Maybe<Scalars['String']['output']>;
  /** Its name. */
  name: Scalars['String']['output'];
  /** The template's or endpoint's uuid. */
  uuid: Scalars['UUID']['output'];
};

/** A section of a template or endpoint: each becomes one Sorcery object of an endpoint. */
export type SipSection =
  /** The aor object (contacts, registrations). */
  | 'AOR'
  /** The inbound auth object. */
  | 'AUTH'
  /** The endpoint object. */
  | 'ENDPOINT'
  /** The identify object (match by address or header). */
  | 'IDENTIFY'
  /** The auth object the endpoint uses for outbound requests. */
  | 'OUTBOUND_AUTH'
  /** The outbound registration of a trunk. */
  | 'REGISTRATION'
  /** The auth object the outbound registration uses. */
  | 'REGISTRATION_OUTBOUND_AUTH';

/** The options a template or endpoint stores itself, in stored order. */
export type SipSections = {
  /** Options of the aor object. */
  aor: Array<SipOption>;
  /** Options of the inbound auth object. */
  auth: Array<SipOption>;
  /** Options of the endpoint object. */
  endpoint: Array<SipOption>;
  /** Options of the identify object. */
  identify: Array<SipOption>;
  /** Options of the auth object the endpoint uses for outbound requests. */
  outboundAuth: Array<SipOption>;
  /** Options of the outbound registration. */
  registration: Array<SipOption>;
  /** Options of the auth object the registration uses. */
  registrationOutboundAuth: Array<SipOption>;
};

/** Each section given replaces that whole section; an omitted section is unchanged; [] empties it. */
export type SipSectionsInput = {
  /** Replaces the options of the aor object. */
  aor?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces the options of the inbound auth object. */
  auth?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces the options of the endpoint object. */
  endpoint?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces the options of the identify object. */
  identify?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces the options of the auth object the endpoint uses for outbound requests. */
  outboundAuth?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces the options of the outbound registration. */
  registration?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces the options of the auth object the registration uses. */
  registrationOutboundAuth?: InputMaybe<Array<SipOptionInput>>;
};

/** A template: options its inheritors (templates and endpoints) share. Asterisk never sees it. */
export type SipTemplate = Node & SipConfig & {
  /** Templates and endpoints that list this template as a parent: at most `first` of them (default and bound: the server's max_list_items). Use `endpoints(inheritsFrom:)` to page through all. */
  children: Array<SipConfig>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Number of endpoints whose resolution includes this template. */
  endpointCount: Scalars['Int']['output'];
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** Template or endpoint. */
  kind: ConfigKind;
  /** A display name for people; null when not set. */
  label: Maybe<Scalars['String']['output']>;
  /** A template's name in its tenant, or an endpoint's Sorcery id on its engine. */
  name: Scalars['String']['output'];
  /** The options it sets itself, in stored order. */
  own: SipSections;
  /** The templates it inherits from, in order: a later one overrides an earlier one. */
  parents: Array<SipTemplate>;
  /** The options in effect after inheritance (docs/domain.md §4). */
  resolved: ResolvedSipSections;
  /** Increases with every change: send it as `expectedRevision` to detect concurrent edits. */
  revision: Scalars['Int']['output'];
  /** The tenant it belongs to. */
  tenant: Tenant;
  /** Its own transport; null when it inherits one or sets none. */
  transport: Maybe<Transport>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** The configuration's identifier, used in arguments. */
  uuid: Scalars['UUID']['output'];
};


/** A template: options its inheritors (templates and endpoints) share. Asterisk never sees it. */
export type SipTemplateChildrenArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of templates. */
export type SipTemplateConnection = {
  /** The page's templates with their cursors. */
  edges: Array<SipTemplateEdge>;
  /** The page's templates, in order: `edges` without the cursors. */
  nodes: Array<SipTemplate>;
  /** Cursors and whether more pages exist, either way. */
  pageInfo: PageInfo;
  /** How many items the list holds in all pages (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

/** A template of the page and its cursor. */
export type SipTemplateEdge = {
  /** Opaque position of this template: pass it as `after` or `before`. */
  cursor: Scalars['String']['output'];
  /** The template. */
  node: SipTemplate;
};

/** The template after the mutation, and what it recorded. */
export type SipTemplatePayload = {
  /** The Sorcery updates of its inheritors recorded (or that would be). */
  changes: ChangeSummary;
  /** The template as stored (or as it would be, in a dry run). */
  template: Maybe<SipTemplate>;
};

/** What an update does to its Sorcery object. */
export type SorceryAction =
  /** Delete the object. */
  | 'DELETE'
  /** Create the object, or replace it with `fields`. */
  | 'UPSERT';

/** A Sorcery object an endpoint becomes (docs/domain.md §5). Superseded by `PjsipObject`, whose `id` is unique: an endpoint, its aor and its auth share this `id`. */
export type SorceryObject = {
  /** The object's options as Asterisk receives them. */
  fields: Array<SipOption>;
  /** The Sorcery object id; the same for an endpoint, its aor and its auth. */
  id: Scalars['String']['output'];
  /** endpoint, aor, auth, identify, registration, transport, global, system */
  type: Scalars['String']['output'];
};

/** The type of a Sorcery object, as Asterisk's res_pjsip names it (lower case there). */
export type SorceryObjectType =
  /** Where the endpoint is reached: its contacts and registrations. */
  | 'AOR'
  /** Credentials, inbound or outbound. */
  | 'AUTH'
  /** A line or trunk: how calls to and from it behave. */
  | 'ENDPOINT'
  /** The engine's single `global` object. */
  | 'GLOBAL'
  /** Matches requests to an endpoint by address or header. */
  | 'IDENTIFY'
  /** An outbound registration of a trunk. */
  | 'REGISTRATION'
  /** The engine's single `system` object. */
  | 'SYSTEM'
  /** A listening socket of the engine. */
  | 'TRANSPORT';

/** One change of one Sorcery object, numbered per engine: what an agent applies to Asterisk. */
export type SorceryUpdate = {
  /** Create or replace, or delete. */
  action: SorceryAction;
  /** Keys whose values differ from the previous state (all keys for a new object). */
  changedKeys: Array<Scalars['String']['output']>;
  /** When the update was recorded. */
  createdAt: Scalars['DateTime']['output'];
  /** The endpoint the object belongs to; null for engine objects. */
  endpointUuid: Maybe<Scalars['UUID']['output']>;
  /** The engine's name. */
  engine: Scalars['String']['output'];
  /** Full desired state for UPSERT; empty for DELETE. */
  fields: Array<SipOption>;
  /** The object's id in Asterisk. */
  objectId: Scalars['String']['output'];
  /**
   * The object's type, in Asterisk's lower case.
   * @deprecated Use sorceryType, an enum of the same values.
   */
  objectType: Scalars['String']['output'];
  /** Asterisk applies the change only by deleting and creating the object again. */
  requiresRecreate: Scalars['Boolean']['output'];
  /** Asterisk applies the change only on a module reload (transport options, mostly). */
  requiresReload: Scalars['Boolean']['output'];
  /** Per-engine sequence number; null in a dry run. */
  seq: Maybe<Scalars['Int']['output']>;
  /** The type of the object this update creates, changes or deletes. */
  sorceryType: SorceryObjectType;
  /** The tenant whose endpoint the object belongs to; null for engine objects. */
  tenantUuid: Maybe<Scalars['UUID']['output']>;
};

/** Live streams over WebSocket (graphql-transport-ws). Each replays what was recorded after `after`, then goes live. */
export type Subscription = {
  /** Changes to tenants, templates and endpoints the caller can see; replays events after `after`, then goes live. */
  configChanged: ConfigChangeEvent;
  /** An engine's Sorcery updates; replays those after `after`, then goes live. Needs the secrets scope. */
  sorceryUpdates: SorceryUpdate;
};


/** Live streams over WebSocket (graphql-transport-ws). Each replays what was recorded after `after`, then goes live. */
export type SubscriptionConfigChangedArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  recurse?: InputMaybe<Scalars['Boolean']['input']>;
  tenantUuid?: InputMaybe<Scalars['UUID']['input']>;
};


/** Live streams over WebSocket (graphql-transport-ws). Each replays what was recorded after `after`, then goes live. */
export type SubscriptionSorceryUpdatesArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  engine?: InputMaybe<Scalars['String']['input']>;
};

/** A customer or organisation: it owns templates and endpoints, and may have sub-tenants. */
export type Tenant = Node & {
  /** Sub-tenants: at most `first` of them (default and bound: the server's max_list_items). Use `tenants` to page through all. */
  children: Array<Tenant>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The templates created with the tenant, by role. */
  defaultTemplates: DefaultTemplates;
  /** The engine the tenant's endpoints are for. */
  engine: Engine;
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** The parent tenant; null for the root, or when the caller cannot see it. */
  parent: Maybe<Tenant>;
  /** Unique on the server: 1 to 63 of a-z, 0-9 and -; native pjsip.conf exports name templates with it. */
  slug: Scalars['String']['output'];
  /** The tenant's identifier, used in arguments. */
  uuid: Scalars['UUID']['output'];
};


/** A customer or organisation: it owns templates and endpoints, and may have sub-tenants. */
export type TenantChildrenArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A page of tenants, by name. */
export type TenantConnection = {
  /** The page's tenants with their cursors. */
  edges: Array<TenantEdge>;
  /** The page's tenants, in order: `edges` without the cursors. */
  nodes: Array<Tenant>;
  /** Cursors and whether more pages exist, either way. */
  pageInfo: PageInfo;
  /** How many items the list holds in all pages (counted only when asked for). */
  totalCount: Scalars['Int']['output'];
};

/** A tenant of the page and its cursor. */
export type TenantEdge = {
  /** Opaque position of this tenant: pass it as `after` or `before`. */
  cursor: Scalars['String']['output'];
  /** The tenant. */
  node: Tenant;
};

/** The tenant after the mutation, and what it recorded. */
export type TenantPayload = {
  /** The Sorcery updates recorded (a new tenant's default templates record none). */
  changes: ChangeSummary;
  /** The tenant as stored. */
  tenant: Maybe<Tenant>;
};

/** A transport of an engine: a socket Asterisk listens on. */
export type Transport = Node & {
  /** Globally unique and stable: the key client caches normalise this object by. Opaque: do not parse it; use `uuid` to refer to the object in arguments. */
  id: Scalars['ID']['output'];
  /** Its Sorcery id, unique on the engine. */
  name: Scalars['String']['output'];
  /** Its options; secrets (TLS key passwords) are masked without the secrets scope. */
  options: Array<SipOption>;
  /** The transport's identifier, used in arguments. */
  uuid: Scalars['UUID']['output'];
};

/** The transport after the change (as it would be, in a dry run) and what it records. */
export type TransportPayload = {
  /** The Sorcery updates recorded (or that would be). */
  changes: ChangeSummary;
  /** The transport as stored (or as it would be). */
  transport: Transport;
};

/** Changes to an engine's own objects: an omitted list is unchanged. */
export type UpdateEngineInput = {
  /** Replaces all the options of the `global` object. */
  globalOptions?: InputMaybe<Array<SipOptionInput>>;
  /** Replaces all the options of the `system` object. */
  systemOptions?: InputMaybe<Array<SipOptionInput>>;
};

/** An omitted field is unchanged; null clears label and transport; parentUuids replaces the list. */
export type UpdateSipConfigInput = {
  /** A new label; null removes it. */
  label?: InputMaybe<Scalars['String']['input']>;
  /** A new name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The sections to replace. */
  options?: InputMaybe<SipSectionsInput>;
  /** The new ordered parent list; [] removes every parent. */
  parentUuids?: InputMaybe<Array<Scalars['UUID']['input']>>;
  /** A new transport; null removes it. */
  transportUuid?: InputMaybe<Scalars['UUID']['input']>;
};

/** Changes to a tenant: an omitted field is unchanged. */
export type UpdateTenantInput = {
  /** A new display name. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a transport: an omitted field is unchanged. */
export type UpdateTransportInput = {
  /** A new name; the endpoints that use the transport are re-pointed to it. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Replaces all the transport's options. */
  options?: InputMaybe<Array<SipOptionInput>>;
};

/** The calling token: its tenant and what it may do. */
export type Viewer = {
  /** Whether the token may change engine objects (transports, global, system). */
  isOperator: Scalars['Boolean']['output'];
  /** The scopes the token holds, `*` spelled out as every scope. */
  scopes: Array<Scalars['String']['output']>;
  /** The tenant the token acts on, with its subtree. */
  tenant: Tenant;
  /** The token's uuid; null for a caller that is not a stored token. */
  tokenUuid: Maybe<Scalars['UUID']['output']>;
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

export type CatalogFragment = { name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean };

export type SignInQueryVariables = Exact<{ [key: string]: never; }>;


export type SignInQuery = { viewer: { scopes: Array<string>, isOperator: boolean, tenant: { uuid: string, name: string, slug: string } } };

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


export type ConfigEditorQuery = { template?: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, endpoint?: { uuid: string, kind: ConfigKind, name: string, label: string | null, revision: number, updatedAt: string, tenant: { uuid: string, name: string }, parents: Array<{ uuid: string, name: string }>, own: { endpoint: Array<{ key: string, value: string }>, aor: Array<{ key: string, value: string }>, auth: Array<{ key: string, value: string }>, identify: Array<{ key: string, value: string }>, registration: Array<{ key: string, value: string }>, registrationOutboundAuth: Array<{ key: string, value: string }>, outboundAuth: Array<{ key: string, value: string }> }, resolved: { endpoint: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, aor: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, auth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, identify: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registration: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, registrationOutboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }>, outboundAuth: Array<{ key: string, value: string, inherited: boolean, origin: { uuid: string, kind: ConfigKind, name: string }, overrides: Array<{ value: string, origin: { uuid: string, kind: ConfigKind, name: string } }> }> } } | null, candidates: { edges: Array<{ node: { uuid: string, name: string } }> }, endpointCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }>, aorCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }>, authCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }>, identifyCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }>, registrationCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }>, registrationOutboundAuthCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }>, outboundAuthCatalog: Array<{ name: string, type: string, default: string | null, enumValues: Array<string> | null, multiple: boolean, deprecated: boolean, minimum: string | null, maximum: string | null, secret: boolean }> };

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
