// Linux App Service plan and web app running the Node.js service (bot, tab, tab API, scheduler in one process).
// The app's settings are not set here but in main.bicep, once Key Vault and the role assignment exist.

param planName string
param siteName string
param location string
param tags object

@description('App Service plan SKU. Basic (B*) allows up to 3 instances and no autoscale; S1 and P*v3 autoscale.')
param skuName string

@description('Instances the plan runs (the autoscale minimum when autoscale is on).')
param instanceCount int

@description('Autoscale maximum; autoscale is made only when it is above instanceCount on a Standard or Premium plan.')
param autoscaleMaxInstances int

@description('Runtime stack, e.g. NODE|20-lts.')
param linuxFxVersion string

@description('The command App Service starts the service with, from the deployed folder.')
param startupCommand string

@description('Resource id of a user-assigned managed identity to attach (the bot\'s, for UserAssignedMSI); empty: none.')
param userAssignedIdentityId string = ''

@description('Log Analytics workspace that receives the app\'s console, HTTP and platform logs.')
param logAnalyticsWorkspaceId string

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: skuName
    capacity: instanceCount
  }
  properties: {
    // reserved: true is what makes a plan Linux.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: siteName
  location: location
  tags: tags
  kind: 'app,linux'
  // The system-assigned identity reads Key Vault; a user-assigned one, when given, is the bot's identity.
  identity: empty(userAssignedIdentityId) ? {
    type: 'SystemAssigned'
  } : {
    type: 'SystemAssigned, UserAssigned'
    userAssignedIdentities: {
      '${userAssignedIdentityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Any instance can serve any request (all state is in MongoDB), so no sticky sessions.
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      appCommandLine: startupCommand
      // The scheduler and the outbox run inside the process: an idle app that App Service unloads would send
      // no reminders. Always On needs Basic or higher.
      alwaysOn: true
      // /readyz answers 503 while MongoDB does not answer or the instance is shutting down; App Service then
      // stops routing to that instance (it never takes all instances out), and replaces one that stays unhealthy.
      healthCheckPath: '/readyz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

// Keeps the container's stdout on the instance for the log stream (`az webapp log tail`): on Linux this is the
// setting that `az webapp log config --docker-container-logging filesystem` makes. The durable copy is the
// diagnostic setting below.
resource logs 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: site
  name: 'logs'
  properties: {
    httpLogs: {
      fileSystem: {
        enabled: true
        retentionInMb: 100
        retentionInDays: 3
      }
    }
  }
}

resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        // stdout and stderr of the process: pino's JSON lines.
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

var autoscale = autoscaleMaxInstances > instanceCount && !startsWith(skuName, 'B')

resource autoscaleSettings 'Microsoft.Insights/autoscalesettings@2022-10-01' = if (autoscale) {
  name: '${planName}-autoscale'
  location: location
  tags: tags
  properties: {
    enabled: true
    targetResourceUri: plan.id
    profiles: [
      {
        name: 'cpu'
        capacity: {
          minimum: string(instanceCount)
          maximum: string(autoscaleMaxInstances)
          default: string(instanceCount)
        }
        rules: [
          {
            metricTrigger: {
              metricName: 'CpuPercentage'
              metricResourceUri: plan.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT10M'
              timeAggregation: 'Average'
              operator: 'GreaterThan'
              threshold: 70
            }
            scaleAction: {
              direction: 'Increase'
              type: 'ChangeCount'
              value: '1'
              cooldown: 'PT10M'
            }
          }
          {
            metricTrigger: {
              metricName: 'CpuPercentage'
              metricResourceUri: plan.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT20M'
              timeAggregation: 'Average'
              operator: 'LessThan'
              threshold: 30
            }
            scaleAction: {
              direction: 'Decrease'
              type: 'ChangeCount'
              value: '1'
              cooldown: 'PT20M'
            }
          }
        ]
      }
    ]
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
