// Log Analytics workspace and a workspace-based Application Insights resource.
//
// What actually reaches them (the service has no Application Insights SDK in its code):
// - the service's own logs: pino writes JSON lines to stdout; App Service keeps the container's stdout and the
//   diagnostic setting in app-service.bicep ships it to this workspace (table AppServiceConsoleLogs), next to the
//   HTTP access log (AppServiceHTTPLogs) and the platform log (AppServicePlatformLogs);
// - requests, dependencies and exceptions in Application Insights only when App Service's Node.js agent is on
//   (the app setting ApplicationInsightsAgent_EXTENSION_VERSION=~3, parameter appInsightsAgent in main.bicep).
//   That agent is App Service's, attached to the process from outside; it is not verified with this code base.

@description('Name of the Log Analytics workspace.')
param workspaceName string

@description('Name of the Application Insights resource.')
param appInsightsName string

param location string
param tags object

@description('Days Log Analytics keeps the logs (30 are included in the ingestion price).')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Largest ingestion per day in GB before Log Analytics stops collecting until the next day; -1: no cap.')
param dailyCapGb int

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    workspaceCapping: {
      dailyQuotaGb: dailyCapGb
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

output workspaceId string = workspace.id
// An ingestion endpoint and key, not a credential for reading anything: an app setting, not a Key Vault secret.
output appInsightsConnectionString string = appInsights.properties.ConnectionString
