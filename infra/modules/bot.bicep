// The Azure Bot resource: registers the service's messaging endpoint with the Bot Framework under the bot's
// identity, and turns on the Microsoft Teams channel. It runs no code; the web app does.

@description('Bot resource name (the bot handle): unique in Azure.')
param name string

@description('Name shown for the bot in the Azure portal (Teams shows the name in the app manifest).')
@maxLength(42)
param displayName string

@description('F0 or S1. Teams is a standard channel: its messages are free on both.')
param sku string

@description('https URL of the service\'s /api/messages.')
param endpoint string

@description('SingleTenant (an Entra app registration with a secret) or UserAssignedMSI (a managed identity).')
param appType string

@description('The bot\'s id: the app registration\'s client id, or the managed identity\'s client id.')
param appId string

@description('Tenant of that app registration or managed identity.')
param tenantId string

@description('Resource id of the user-assigned managed identity (UserAssignedMSI only).')
param msiResourceId string = ''

param tags object

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    displayName: displayName
    endpoint: endpoint
    msaAppType: appType
    msaAppId: appId
    msaAppTenantId: tenantId
    msaAppMSIResourceId: appType == 'UserAssignedMSI' ? msiResourceId : null
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output name string = bot.name
