// Azure Cosmos DB for MongoDB vCore (now also sold as "Azure DocumentDB"): a MongoDB-compatible cluster.
// The service needs no transactions: every write that must be atomic is one document or an insert against a
// unique index (see README, "State and idempotency"), which this cluster supports like MongoDB itself.

@description('Cluster name: 3-40 lowercase letters, digits and hyphens, unique in Azure.')
param name string
param location string
param tags object

@description('Name of the cluster\'s administrator (the service signs in with it).')
param adminUser string

@secure()
@description('Password of that administrator: 8-128 characters with three of upper case, lower case, digits, symbols.')
param adminPassword string

@description('Compute tier: Free (32 GB, one per subscription, no SLA), M10/M20/M25 (burstable), M30 and up.')
param tier string

@description('Disk per shard in GB.')
param storageSizeGb int

@description('A standby replica in another zone (doubles the compute price; not available on Free).')
param highAvailability bool

@description('MongoDB wire-protocol version the cluster speaks.')
param serverVersion string

resource cluster 'Microsoft.DocumentDB/mongoClusters@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    administrator: {
      userName: adminUser
      password: adminPassword
    }
    serverVersion: serverVersion
    compute: {
      tier: tier
    }
    storage: {
      sizeGb: storageSizeGb
    }
    sharding: {
      shardCount: 1
    }
    highAvailability: {
      targetMode: highAvailability ? 'ZoneRedundantPreferred' : 'Disabled'
    }
    publicNetworkAccess: 'Enabled'
  }
}

// 0.0.0.0-0.0.0.0 means "connections from Azure services": the web app's outbound addresses are only known
// after it exists and can change with its plan, so they are not listed one by one. The cluster still needs the
// password; for a network boundary, use a private endpoint and the web app's VNet integration instead.
resource allowAzureServices 'Microsoft.DocumentDB/mongoClusters/firewallRules@2024-07-01' = {
  parent: cluster
  name: 'allow-azure-services'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// The cluster's SRV host; main.bicep builds the connection string from it and stores that in Key Vault.
output hostName string = '${cluster.name}.global.mongocluster.cosmos.azure.com'
