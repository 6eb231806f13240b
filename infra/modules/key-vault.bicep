// Key Vault holding every secret the service reads, and read access for the web app's managed identity.
// The web app's settings point here with Key Vault references (@Microsoft.KeyVault(VaultName=…;SecretName=…)),
// which App Service resolves with the app's system-assigned identity when the app starts; the secret values
// never appear in the app settings, in the deployment's outputs or in the environment files of the toolkit.
// The secret names below are the ones main.bicep's references use (tests/unit/infra.test.ts checks both).

param name string
param location string
param tags object

@description('Principal (object) id of the web app\'s system-assigned managed identity: it gets "Key Vault Secrets User".')
param readerPrincipalId string

@secure()
@description('The MongoDB connection string (mongodb:// or mongodb+srv://, with its credentials).')
param mongodbUri string

@secure()
@description('LINK_SIGNING_SECRET: at least 32 random characters, the same on every replica.')
param linkSigningSecret string

@secure()
@description('Client secret of the Entra app registration; empty: no such secret is stored.')
param entraAppClientSecret string = ''

@secure()
@description('Key of the AI model (OpenAI or Azure OpenAI); empty: no such secret is stored.')
param aiApiKey string = ''

@description('Keep deleted secrets and the vault recoverable for 90 days (cannot be turned off again once on).')
param purgeProtection bool = true

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC instead of access policies: the role assignment below is the only reader.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource mongodbUriSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'mongodb-uri'
  properties: {
    value: mongodbUri
    contentType: 'MongoDB connection string'
  }
}

resource linkSigningSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'link-signing-secret'
  properties: {
    value: linkSigningSecret
    contentType: 'LINK_SIGNING_SECRET'
  }
}

resource entraAppClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(entraAppClientSecret)) {
  parent: vault
  name: 'entra-app-client-secret'
  properties: {
    value: entraAppClientSecret
    contentType: 'Client secret of the Entra app registration'
  }
}

resource aiApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(aiApiKey)) {
  parent: vault
  name: 'ai-api-key'
  properties: {
    value: aiApiKey
    contentType: 'Key of the AI model'
  }
}

// Built-in role "Key Vault Secrets User": read secret values, nothing else.
var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource webAppReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultSecretsUser
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output name string = vault.name
