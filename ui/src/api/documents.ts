// Every GraphQL operation the admin sends. graphql-codegen reads this file
// (`npm run codegen`) and writes the result and variable types to generated.ts.
// Each screen loads with exactly one of the queries below. Fragments are
// appended to an operation by the client (only those it uses).

export const FRAGMENTS = /* GraphQL */ `
  fragment OwnSections on SipSections {
    endpoint { key value }
    aor { key value }
    auth { key value }
    identify { key value }
    registration { key value }
    registrationOutboundAuth { key value }
    outboundAuth { key value }
  }
  fragment ResolvedOption on ResolvedSipOption {
    key
    value
    inherited
    origin { uuid kind name }
    overrides { value origin { uuid kind name } }
  }
  fragment ResolvedSections on ResolvedSipSections {
    endpoint { ...ResolvedOption }
    aor { ...ResolvedOption }
    auth { ...ResolvedOption }
    identify { ...ResolvedOption }
    registration { ...ResolvedOption }
    registrationOutboundAuth { ...ResolvedOption }
    outboundAuth { ...ResolvedOption }
  }
  fragment ConfigDetail on SipConfig {
    uuid
    kind
    name
    label
    revision
    updatedAt
    tenant { uuid name }
    parents { uuid name }
    own { ...OwnSections }
    resolved { ...ResolvedSections }
  }
  fragment Changes on ChangeSummary {
    dryRun
    affectedEndpoints
    sorceryUpdates { seq action objectType objectId changedKeys requiresRecreate requiresReload }
  }
  fragment Catalog on CatalogOption { name type default enumValues multiple deprecated minimum maximum secret }
`;

export const SignInDocument = /* GraphQL */ `
  query SignIn {
    viewer { scopes isOperator tenant { uuid name slug } }
  }
`;

export const TenantTreeDocument = /* GraphQL */ `
  query TenantTree {
    tenants(first: 500, recurse: true) {
      totalCount
      edges { node { uuid name slug parent { uuid } } }
    }
  }
`;

export const TenantNameDocument = /* GraphQL */ `
  query TenantName($uuid: UUID!) { tenant(uuid: $uuid) { uuid name } }
`;

export const CreateTenantDocument = /* GraphQL */ `
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) { tenant { uuid name slug } }
  }
`;

export const RenameTenantDocument = /* GraphQL */ `
  mutation RenameTenant($uuid: UUID!, $name: String!) {
    updateTenant(uuid: $uuid, input: { name: $name }) { tenant { uuid name } }
  }
`;

export const DeleteTenantDocument = /* GraphQL */ `
  mutation DeleteTenant($uuid: UUID!, $dryRun: Boolean!) {
    deleteTenant(uuid: $uuid, dryRun: $dryRun) { uuid changes { ...Changes } }
  }
`;

export const TemplateListDocument = /* GraphQL */ `
  query TemplateList(
    $tenantUuid: UUID!
    $search: String
    $orderBy: SipConfigOrder!
    $direction: OrderDirection!
    $first: Int!
    $after: String
  ) {
    tenant(uuid: $tenantUuid) { uuid name slug }
    templates(
      tenantUuid: $tenantUuid
      search: $search
      orderBy: $orderBy
      direction: $direction
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { uuid name label revision updatedAt endpointCount parents { uuid name } } }
    }
  }
`;

export const EndpointListDocument = /* GraphQL */ `
  query EndpointList(
    $tenantUuid: UUID!
    $search: String
    $inheritsFrom: UUID
    $orderBy: SipConfigOrder!
    $direction: OrderDirection!
    $first: Int!
    $after: String
  ) {
    tenant(uuid: $tenantUuid) { uuid name slug }
    endpoints(
      tenantUuid: $tenantUuid
      search: $search
      inheritsFrom: $inheritsFrom
      orderBy: $orderBy
      direction: $direction
      first: $first
      after: $after
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { uuid name label revision updatedAt parents { uuid name } } }
    }
    filterTemplates: templates(tenantUuid: $tenantUuid, first: 500) { edges { node { uuid name } } }
  }
`;

export const ConfigEditorDocument = /* GraphQL */ `
  query ConfigEditor($tenantUuid: UUID!, $uuid: UUID!, $isTemplate: Boolean!) {
    template(uuid: $uuid) @include(if: $isTemplate) { ...ConfigDetail }
    endpoint(uuid: $uuid) @skip(if: $isTemplate) { ...ConfigDetail }
    candidates: templates(tenantUuid: $tenantUuid, first: 500) { edges { node { uuid name } } }
    endpointCatalog: optionCatalog(section: ENDPOINT) { ...Catalog }
    aorCatalog: optionCatalog(section: AOR) { ...Catalog }
    authCatalog: optionCatalog(section: AUTH) { ...Catalog }
    identifyCatalog: optionCatalog(section: IDENTIFY) { ...Catalog }
    registrationCatalog: optionCatalog(section: REGISTRATION) { ...Catalog }
    registrationOutboundAuthCatalog: optionCatalog(section: REGISTRATION_OUTBOUND_AUTH) { ...Catalog }
    outboundAuthCatalog: optionCatalog(section: OUTBOUND_AUTH) { ...Catalog }
  }
`;

export const ConfigCurrentDocument = /* GraphQL */ `
  query ConfigCurrent($uuid: UUID!, $isTemplate: Boolean!) {
    template(uuid: $uuid) @include(if: $isTemplate) { ...ConfigDetail }
    endpoint(uuid: $uuid) @skip(if: $isTemplate) { ...ConfigDetail }
  }
`;

export const CreateTemplateDocument = /* GraphQL */ `
  mutation CreateTemplate($input: CreateSipTemplateInput!) {
    createTemplate(input: $input) { template { uuid } }
  }
`;

export const CreateEndpointDocument = /* GraphQL */ `
  mutation CreateEndpoint($input: CreateSipEndpointInput!) {
    createEndpoint(input: $input) { endpoint { uuid } }
  }
`;

export const UpdateTemplateDocument = /* GraphQL */ `
  mutation UpdateTemplate($uuid: UUID!, $input: UpdateSipConfigInput!, $expectedRevision: Int, $dryRun: Boolean!) {
    updateTemplate(uuid: $uuid, input: $input, expectedRevision: $expectedRevision, dryRun: $dryRun) {
      template { ...ConfigDetail }
      changes { ...Changes }
    }
  }
`;

export const UpdateEndpointDocument = /* GraphQL */ `
  mutation UpdateEndpoint($uuid: UUID!, $input: UpdateSipConfigInput!, $expectedRevision: Int, $dryRun: Boolean!) {
    updateEndpoint(uuid: $uuid, input: $input, expectedRevision: $expectedRevision, dryRun: $dryRun) {
      endpoint { ...ConfigDetail }
      changes { ...Changes }
    }
  }
`;

export const DeleteConfigDocument = /* GraphQL */ `
  mutation DeleteConfig($uuid: UUID!, $isTemplate: Boolean!, $dryRun: Boolean!) {
    deleteTemplate(uuid: $uuid, dryRun: $dryRun) @include(if: $isTemplate) { changes { ...Changes } }
    deleteEndpoint(uuid: $uuid, dryRun: $dryRun) @skip(if: $isTemplate) { changes { ...Changes } }
  }
`;

export const ImportPjsipDocument = /* GraphQL */ `
  mutation ImportPjsip($tenantUuid: UUID!, $text: String!, $dryRun: Boolean!) {
    result: importPjsipConf(tenantUuid: $tenantUuid, text: $text, dryRun: $dryRun) {
      dryRun templates endpoints transports unmapped changes { ...Changes }
    }
  }
`;

export const ImportSipDocument = /* GraphQL */ `
  mutation ImportSip($tenantUuid: UUID!, $text: String!, $dryRun: Boolean!) {
    result: importSipConf(tenantUuid: $tenantUuid, text: $text, dryRun: $dryRun) {
      dryRun templates endpoints transports unmapped changes { ...Changes }
    }
  }
`;

export const ExportPjsipDocument = /* GraphQL */ `
  query ExportPjsip($tenantUuid: UUID!, $templates: PjsipTemplates!) {
    pjsipConf(tenantUuid: $tenantUuid, templates: $templates)
  }
`;

export const InheritanceGraphDocument = /* GraphQL */ `
  query InheritanceGraph($tenantUuid: UUID!) {
    tenant(uuid: $tenantUuid) { uuid name }
    templates(tenantUuid: $tenantUuid, first: 500) {
      totalCount
      edges { node { uuid name endpointCount parents { uuid } } }
    }
    endpoints(tenantUuid: $tenantUuid, first: 200) {
      totalCount
      edges { node { uuid name parents { uuid } } }
    }
  }
`;

export const ConfigChangedDocument = /* GraphQL */ `
  subscription ConfigChanged($tenantUuid: UUID) {
    configChanged(tenantUuid: $tenantUuid) { seq action kind uuid tenantUuid revision at }
  }
`;

export const SorceryActivityDocument = /* GraphQL */ `
  subscription SorceryActivity($after: Int) {
    sorceryUpdates(after: $after) { seq action objectType objectId changedKeys requiresRecreate requiresReload createdAt }
  }
`;
