import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';

/**
 * Entra ID's signing keys on 127.0.0.1: a JWKS document as login.microsoftonline.com serves it, and a signer
 * for tokens shaped like the Teams SSO tokens of a tab (tid, oid, name, aud = the Application ID URI).
 */
export class FakeEntra {
  private server: Server | undefined;
  private privateKey!: KeyLike;
  private jwk!: JWK;
  readonly kid = 'test-key-1';

  get jwksUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('FakeEntra is not started');
    return `http://127.0.0.1:${address.port}/common/discovery/v2.0/keys`;
  }

  async start(): Promise<this> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    this.privateKey = privateKey;
    this.jwk = { ...(await exportJWK(publicKey)), kid: this.kid, use: 'sig', alg: 'RS256' };
    this.server = createServer((req, res) => {
      if (req.url === '/common/discovery/v2.0/keys') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [this.jwk] }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A token as Teams hands the tab; `signWith` lets a test sign with a key Entra never published. */
  async token(
    claims: {
      tid: string;
      oid: string;
      aud: string;
      name?: string;
      iss?: string;
      expiresIn?: string | number;
    },
    signWith?: KeyLike,
  ): Promise<string> {
    const { tid, oid, aud, name, iss, expiresIn = '1h' } = claims;
    return new SignJWT({ tid, oid, ...(name ? { name } : {}), ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(iss ?? `https://login.microsoftonline.com/${tid}/v2.0`)
      .setAudience(aud)
      .setSubject(oid)
      .setIssuedAt(
        typeof expiresIn === 'number' && expiresIn < 0
          ? Math.floor(Date.now() / 1000) + expiresIn - 600
          : undefined,
      )
      .setExpirationTime(
        typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn,
      )
      .sign(signWith ?? this.privateKey);
  }
}
