// Werkplekleren+ in Azure: everything one organisation needs, in one resource group.
//
//   Azure Bot (Teams channel) ──► App Service (Linux, Node.js, ≥ 2 instances, health check /readyz)
//                                   │  app settings: plain values, and Key Vault references for secrets
//                                   ├──► Key Vault (read with the web app's managed identity)
//                                   ├──► MongoDB: Azure Cosmos DB for MongoDB vCore, or your own connection string
//                                   └──► Log Analytics (stdout, HTTP log) and Application Insights
//
// Deploy with the Microsoft 365 Agents Toolkit (m365agents.yml, parameters in main.parameters.json) or with
// `az deployment group create --parameters infra/main.bicepparam` (see infra/README.md). The Entra app
// registration is not made here: ARM cannot create one; the toolkit's aadApp/create does, or an admin does.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

@description('Short name every resource name starts with: 3-12 lowercase letters and digits, e.g. wpl.')
@minLength(3)
@maxLength(12)
param baseName string

@description('Azure region of the resources (the Azure Bot itself is global). Default: the resource group\'s.')
param location string = resourceGroup().location

@description('Tags put on every resource.')
param tags object = {}

// --- Identity: the Entra app registration and the bot ---

@description('Entra tenant of the app registration and of the organisation\'s Teams. Default: the subscription\'s tenant.')
param entraTenantId string = tenant().tenantId

@description('Client (application) id of the Entra app registration: the bot\'s id with SingleTenant, the tab\'s single sign-on app, and the app that calls Microsoft Graph. May be empty only with UserAssignedMSI (then the tab accepts no sign-in).')
param entraAppClientId string = ''

@secure()
@description('A client secret of that app registration. Required with SingleTenant and with enableGraph.')
param entraAppClientSecret string = ''

@description('How the bot proves its identity to the Bot Framework: SingleTenant (the app registration and its secret) or UserAssignedMSI (a user-assigned managed identity made here, no secret; the subscription must be in the organisation\'s tenant).')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param botAppType string = 'SingleTenant'

@description('Name of the Azure Bot resource in the portal.')
@maxLength(42)
param botDisplayName string = 'Werkplekleren+'

@description('Azure Bot pricing tier. Teams is a standard channel, free on F0 and S1 alike.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Id of the Teams app (the manifest\'s id, a GUID); empty until it is known. With it, card buttons open the tab inside Teams.')
param teamsAppId string = ''

// --- The web app ---

@description('App Service plan SKU. B1-B3: up to 3 instances, no autoscale. S1 and P0v3-P3v3: autoscale, deployment slots.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param appServicePlanSku string = 'P0v3'

@description('Instances of the service. Two or more keep it up while one restarts; every replica may serve any request.')
@minValue(1)
@maxValue(10)
param instanceCount int = 2

@description('Autoscale on CPU up to this many instances (S1 and P*v3 only); at or below instanceCount: no autoscale.')
@minValue(1)
@maxValue(30)
param autoscaleMaxInstances int = 4

@description('Node.js runtime. The service needs Node 20.19 or newer (it loads ES modules with require); pick NODE|22-lts if the 20 image App Service offers is older.')
@allowed([
  'NODE|20-lts'
  'NODE|22-lts'
])
param linuxFxVersion string = 'NODE|20-lts'

@description('A custom domain the service is reached at (e.g. wpl.example.nl), already bound to the web app with a certificate; empty: the web app\'s own azurewebsites.net name.')
param customHostName string = ''

@description('Language for people whose Teams locale is neither Dutch nor English.')
@allowed([
  'nl'
  'en'
])
param defaultLocale string = 'nl'

@description('Log level of the service.')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
])
param logLevel string = 'info'

@description('A directory with the organisation\'s own videoframes on the web app\'s file system (e.g. /home/site/videoframes, which survives deployments); empty: only the shipped ones.')
param videoframesDir string = ''

@secure()
@description('LINK_SIGNING_SECRET: at least 32 random characters that sign download links; keep it the same across deployments, or links sent earlier stop working.')
@minLength(32)
param linkSigningSecret string

@description('More app settings, e.g. {"WORKING_DAY_START": "08:30"}, for the service\'s optional variables (README, Configuration). The settings this template manages take precedence.')
param extraAppSettings object = {}

// --- MongoDB ---

@description('cosmosVCore: an Azure Cosmos DB for MongoDB vCore cluster made here. atlas: your own connection string (MongoDB Atlas or any MongoDB) in mongoConnectionString.')
@allowed([
  'cosmosVCore'
  'atlas'
])
param mongoProvider string = 'cosmosVCore'

@secure()
@description('With atlas: the full connection string, mongodb+srv://user:password@host/... . Ignored with cosmosVCore.')
param mongoConnectionString string = ''

@description('With cosmosVCore: the cluster administrator\'s name, which the service signs in with.')
param mongoAdminUser string = 'wpladmin'

@secure()
@description('With cosmosVCore: that administrator\'s password (8-128 characters, three of upper case, lower case, digits, symbols). Required with cosmosVCore.')
param mongoAdminPassword string = ''

@description('With cosmosVCore: compute tier. Free (one per subscription, 32 GB, no SLA), M10/M20/M25 (burstable), M30 (2 vCores, 8 GB) and up.')
@allowed([
  'Free'
  'M10'
  'M20'
  'M25'
  'M30'
  'M40'
  'M50'
])
param mongoTier string = 'M30'

@description('With cosmosVCore: disk in GB.')
@minValue(32)
param mongoStorageSizeGb int = 32

@description('With cosmosVCore: a standby replica in another zone (not on Free; doubles the compute price).')
param mongoHighAvailability bool = false

@description('With cosmosVCore: the MongoDB version the cluster speaks.')
param mongoServerVersion string = '7.0'

@description('Database name inside the cluster.')
param mongoDatabaseName string = 'werkplekleren'

// --- Microsoft Graph (optional) ---

@description('Use Microsoft Graph with the app registration: managers from Entra ID (application permission User.Read.All), and with graphOrganizer Teams meetings for the cycles (Calendars.ReadWrite). An admin grants these permissions.')
param enableGraph bool = false

@description('With enableGraph: the mailbox (user principal name) that organises the circles\' Teams meetings; empty: managers only, cycles get calendar files.')
param graphOrganizer string = ''

// --- AI model (optional) ---

@description('none, openai (OpenAI or an OpenAI-compatible server) or azure (Azure OpenAI). Without one the product drafts proposals from the group\'s own words.')
@allowed([
  'none'
  'openai'
  'azure'
])
param aiProvider string = 'none'

@secure()
@description('With openai or azure: the API key.')
param aiApiKey string = ''

@description('With openai: the model name.')
param openAiModel string = 'gpt-4o-mini'

@description('With openai: the base URL of an OpenAI-compatible server including /v1; empty: api.openai.com.')
param openAiBaseUrl string = ''

@description('With azure: the https endpoint of the Azure OpenAI resource.')
param azureOpenAiEndpoint string = ''

@description('With azure: the model deployment\'s name.')
param azureOpenAiDeployment string = ''

@description('With azure: the API version.')
param azureOpenAiApiVersion string = '2024-10-21'

// --- Monitoring ---

@description('Attach App Service\'s Application Insights agent for Node.js (requests, dependencies, exceptions). The service has no SDK of its own; its logs reach Log Analytics either way.')
param appInsightsAgent bool = true

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Daily Log Analytics ingestion cap in GB (-1: none); collection stops for the day when it is reached.')
param logDailyCapGb int = 1

@description('Key Vault purge protection: a deleted vault and its secrets stay recoverable for 90 days and its name stays taken. Cannot be turned off once on.')
param keyVaultPurgeProtection bool = true

// ---------------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------------

// Globally unique names: the base name plus a suffix fixed by the resource group, so redeploying updates in place.
var suffix = uniqueString(resourceGroup().id, baseName)
var appServicePlanName = 'plan-${baseName}-${suffix}'
var webAppName = 'app-${baseName}-${suffix}'
var keyVaultName = take('kv-${baseName}-${suffix}', 24)
var mongoClusterName = 'mongo-${baseName}-${suffix}'
var botName = 'bot-${baseName}-${suffix}'
var botIdentityName = 'id-bot-${baseName}-${suffix}'
var logAnalyticsName = 'log-${baseName}-${suffix}'
var appInsightsName = 'appi-${baseName}-${suffix}'

// The same command as `npm start` without its build step: the deployment uploads the built service
// (tests/unit/infra.test.ts keeps the two equal).
var startupCommand = 'node --disable-warning=DEP0111 dist/bot/src/main.js'

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: logAnalyticsName
    appInsightsName: appInsightsName
    location: location
    tags: tags
    retentionInDays: logRetentionDays
    dailyCapGb: logDailyCapGb
  }
}

// With UserAssignedMSI the bot signs in as this identity; the web app carries it (and Bot Framework tokens are
// requested for its client id, which is then MicrosoftAppId).
resource botIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = if (botAppType == 'UserAssignedMSI') {
  name: botIdentityName
  location: location
  tags: tags
}

module appService 'modules/app-service.bicep' = {
  name: 'app-service'
  params: {
    planName: appServicePlanName
    siteName: webAppName
    location: location
    tags: tags
    skuName: appServicePlanSku
    instanceCount: instanceCount
    autoscaleMaxInstances: autoscaleMaxInstances
    linuxFxVersion: linuxFxVersion
    startupCommand: startupCommand
    userAssignedIdentityId: botAppType == 'UserAssignedMSI' ? botIdentity.id : ''
    logAnalyticsWorkspaceId: monitoring.outputs.workspaceId
  }
}

module mongo 'modules/mongo-cluster.bicep' = if (mongoProvider == 'cosmosVCore') {
  name: 'mongo-cluster'
  params: {
    name: mongoClusterName
    location: location
    tags: tags
    adminUser: mongoAdminUser
    adminPassword: mongoAdminPassword
    tier: mongoTier
    storageSizeGb: mongoStorageSizeGb
    highAvailability: mongoHighAvailability
    serverVersion: mongoServerVersion
  }
}

// The connection string the vCore cluster documents (SRV host, TLS, SCRAM, retryWrites off as the service asks).
var mongodbUri = mongoProvider == 'atlas' ? mongoConnectionString : 'mongodb+srv://${uriComponent(mongoAdminUser)}:${uriComponent(mongoAdminPassword)}@${mongoClusterName}.global.mongocluster.cosmos.azure.com/?tls=true&authMechanism=SCRAM-SHA-256&retrywrites=false&maxIdleTimeMS=120000'

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  params: {
    name: keyVaultName
    location: location
    tags: tags
    readerPrincipalId: appService.outputs.principalId
    mongodbUri: mongodbUri
    linkSigningSecret: linkSigningSecret
    entraAppClientSecret: entraAppClientSecret
    aiApiKey: aiProvider == 'none' ? '' : aiApiKey
    purgeProtection: keyVaultPurgeProtection
  }
}

var publicHostName = empty(customHostName) ? appService.outputs.defaultHostName : customHostName
var publicUrl = 'https://${publicHostName}'
var botAppId = botAppType == 'SingleTenant' ? entraAppClientId : botIdentity.properties.clientId

module bot 'modules/bot.bicep' = {
  name: 'azure-bot'
  params: {
    name: botName
    displayName: botDisplayName
    sku: botSku
    endpoint: '${publicUrl}/api/messages'
    appType: botAppType
    appId: botAppId
    tenantId: botAppType == 'SingleTenant' ? entraTenantId : botIdentity.properties.tenantId
    msiResourceId: botAppType == 'UserAssignedMSI' ? botIdentity.id : ''
    tags: tags
  }
}

// ---------------------------------------------------------------------------------------------------------------
// App settings: the service's environment (bot/src/config.ts). Secrets are Key Vault references only.
// tests/unit/infra.test.ts reads every `var …Settings` object below, loads the real config with each combination
// of their alternatives (NODE_ENV=production), and checks that each name is one the config or App Service knows.
// ---------------------------------------------------------------------------------------------------------------

// Teams SSO tokens name the app registration either by its Application ID URI (v1 tokens) or by its client id
// (v2 tokens, accessTokenAcceptedVersion 2 in infra/aad.manifest.json): the tab API accepts both.
var tabSsoAudience = empty(entraAppClientId) ? '' : 'api://${publicHostName}/${entraAppClientId},${entraAppClientId}'

var baseSettings = {
  NODE_ENV: 'production'
  LOG_LEVEL: logLevel
  LOG_FORMAT: 'json'
  DEFAULT_LOCALE: defaultLocale
  PUBLIC_URL: publicUrl
  TEAMS_APP_ID: teamsAppId
  TAB_SSO_AUDIENCE: tabSsoAudience
  TAB_DEV_MODE: 'false'
  MONGODB_URI: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=mongodb-uri)'
  MONGODB_DB: mongoDatabaseName
  LINK_SIGNING_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=link-signing-secret)'
  VIDEOFRAMES_DIR: videoframesDir
}

var botSettings = botAppType == 'SingleTenant' ? {
  MicrosoftAppType: 'SingleTenant'
  MicrosoftAppId: entraAppClientId
  MicrosoftAppTenantId: entraTenantId
  MicrosoftAppPassword: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=entra-app-client-secret)'
} : {
  MicrosoftAppType: 'UserAssignedMSI'
  MicrosoftAppId: botIdentity.properties.clientId
  MicrosoftAppTenantId: botIdentity.properties.tenantId
}

// Graph always gets its own three settings, so it works the same with a managed-identity bot (which has no secret
// for the config to fall back on).
var graphSettings = !enableGraph ? {} : empty(graphOrganizer) ? {
  GRAPH_TENANT_ID: entraTenantId
  GRAPH_CLIENT_ID: entraAppClientId
  GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=entra-app-client-secret)'
} : {
  GRAPH_TENANT_ID: entraTenantId
  GRAPH_CLIENT_ID: entraAppClientId
  GRAPH_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=entra-app-client-secret)'
  GRAPH_ORGANIZER: graphOrganizer
}

var aiSettings = aiProvider == 'openai' ? {
  AI_PROVIDER: 'openai'
  OPENAI_API_KEY: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=ai-api-key)'
  OPENAI_MODEL: openAiModel
  OPENAI_BASE_URL: openAiBaseUrl
} : aiProvider == 'azure' ? {
  AI_PROVIDER: 'azure'
  AZURE_OPENAI_ENDPOINT: azureOpenAiEndpoint
  AZURE_OPENAI_API_KEY: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=ai-api-key)'
  AZURE_OPENAI_DEPLOYMENT: azureOpenAiDeployment
  AZURE_OPENAI_API_VERSION: azureOpenAiApiVersion
} : {
  AI_PROVIDER: 'none'
}

// App Service's own settings. On Linux the runtime comes from linuxFxVersion, so WEBSITE_NODE_DEFAULT_VERSION
// (Windows only) is not set. The deployment uploads the built service with its production node_modules, so App
// Service must not build again (its build would install without devDependencies and fail on `tsc`).
var platformSettings = {
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
}

// Application Insights gets telemetry only through App Service's Node.js agent (Linux: ~3): the service's code
// has no SDK. Without the agent the connection string would reach nothing, so it is set only with it.
var appInsightsAgentSettings = appInsightsAgent ? {
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  ApplicationInsightsAgent_EXTENSION_VERSION: '~3'
} : {}

// After the role assignment (in the Key Vault module), so the references resolve when the app starts with them.
resource site 'Microsoft.Web/sites@2023-12-01' existing = {
  name: webAppName
}

resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: site
  name: 'appsettings'
  properties: union(extraAppSettings, baseSettings, botSettings, graphSettings, aiSettings, platformSettings, appInsightsAgentSettings)
  dependsOn: [
    appService
    keyVault
    mongo
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs: the Agents Toolkit writes each into env/.env.<environment> under the same name.
// ---------------------------------------------------------------------------------------------------------------

output AZURE_APP_SERVICE_RESOURCE_ID string = appService.outputs.id
output APP_SERVICE_NAME string = appService.outputs.name
output BOT_ID string = botAppId
output BOT_DOMAIN string = publicHostName
output PUBLIC_URL string = publicUrl
output KEY_VAULT_NAME string = keyVault.outputs.name
output BOT_RESOURCE_NAME string = bot.outputs.name
