// Parameters for `az deployment group create --template-file infra/main.bicep --parameters infra/main.bicepparam`
// (Azure CLI 2.53 or newer). Every value is read from an environment variable with the name the Agents Toolkit's
// env/ files use, so one vocabulary serves both ways of deploying. Secrets (SECRET_*) come only from the
// environment: never write them into this file. See infra/README.md for what each parameter means.
using 'main.bicep'

param baseName = readEnvironmentVariable('BASE_NAME', 'wpl')

param entraTenantId = readEnvironmentVariable('AAD_APP_TENANT_ID')
param entraAppClientId = readEnvironmentVariable('AAD_APP_CLIENT_ID', '')
param entraAppClientSecret = readEnvironmentVariable('SECRET_AAD_APP_CLIENT_SECRET', '')
param botAppType = readEnvironmentVariable('BOT_APP_TYPE', 'SingleTenant')
param botDisplayName = readEnvironmentVariable('BOT_DISPLAY_NAME', 'Werkplekleren+')
param teamsAppId = readEnvironmentVariable('TEAMS_APP_ID', '')

param appServicePlanSku = readEnvironmentVariable('APP_SERVICE_PLAN_SKU', 'P0v3')
param instanceCount = int(readEnvironmentVariable('INSTANCE_COUNT', '2'))
param autoscaleMaxInstances = int(readEnvironmentVariable('AUTOSCALE_MAX_INSTANCES', '4'))
param linuxFxVersion = readEnvironmentVariable('LINUX_FX_VERSION', 'NODE|20-lts')
param customHostName = readEnvironmentVariable('CUSTOM_HOST_NAME', '')
param defaultLocale = readEnvironmentVariable('DEFAULT_LOCALE', 'nl')
param logLevel = readEnvironmentVariable('LOG_LEVEL', 'info')
param linkSigningSecret = readEnvironmentVariable('SECRET_LINK_SIGNING_SECRET')

param mongoProvider = readEnvironmentVariable('MONGO_PROVIDER', 'cosmosVCore')
param mongoConnectionString = readEnvironmentVariable('SECRET_MONGODB_URI', '')
param mongoAdminUser = readEnvironmentVariable('MONGO_ADMIN_USER', 'wpladmin')
param mongoAdminPassword = readEnvironmentVariable('SECRET_MONGO_ADMIN_PASSWORD', '')
param mongoTier = readEnvironmentVariable('MONGO_TIER', 'M30')
param mongoHighAvailability = bool(readEnvironmentVariable('MONGO_HIGH_AVAILABILITY', 'false'))
param mongoDatabaseName = readEnvironmentVariable('MONGODB_DB', 'werkplekleren')

param enableGraph = bool(readEnvironmentVariable('ENABLE_GRAPH', 'false'))
param graphOrganizer = readEnvironmentVariable('GRAPH_ORGANIZER', '')

param aiProvider = readEnvironmentVariable('AI_PROVIDER', 'none')
param aiApiKey = readEnvironmentVariable('SECRET_AI_API_KEY', '')
param openAiModel = readEnvironmentVariable('OPENAI_MODEL', 'gpt-4o-mini')
param openAiBaseUrl = readEnvironmentVariable('OPENAI_BASE_URL', '')
param azureOpenAiEndpoint = readEnvironmentVariable('AZURE_OPENAI_ENDPOINT', '')
param azureOpenAiDeployment = readEnvironmentVariable('AZURE_OPENAI_DEPLOYMENT', '')

param appInsightsAgent = bool(readEnvironmentVariable('APP_INSIGHTS_AGENT', 'true'))
