import type { Storage, StoreItem } from 'botbuilder';

export interface StorageUnderTest {
  storage: Storage;
  /** A second, independent handle on the same data (another replica). */
  other: Storage;
  cleanup(): Promise<void>;
}

/**
 * The contract every botbuilder Storage of ours keeps: what botbuilder and teams-ai expect, plus a strict
 * eTag rule (a write with a stale or unknown eTag is refused and changes nothing).
 */
export function describeStorageContract(name: string, open: () => Promise<StorageUnderTest>): void {
  describe(`${name} keeps the Storage contract`, () => {
    let s: StorageUnderTest;
    beforeEach(async () => {
      s = await open();
    });
    afterEach(async () => {
      await s.cleanup();
    });

    it('reads nothing for keys never written, and reads [] as {}', async () => {
      expect(await s.storage.read(['msteams/bot/conversations/none'])).toEqual({});
      expect(await s.storage.read([])).toEqual({});
    });

    it('round-trips an item and gives it an eTag', async () => {
      await s.storage.write({ 'a/b': { count: 1, nested: { list: [1, 2, 3] } } });
      const read = await s.storage.read(['a/b', 'missing']);
      expect(Object.keys(read)).toEqual(['a/b']);
      expect(read['a/b']).toMatchObject({ count: 1, nested: { list: [1, 2, 3] } });
      expect(typeof read['a/b']?.eTag).toBe('string');
    });

    it('keeps values MongoDB field names and FerretDB cannot hold directly', async () => {
      const awkward: StoreItem = {
        $set: 1,
        'a.b': 'dot',
        matrix: [
          [1, 2],
          [3, [4]],
        ],
        empty: {},
        text: 'ü “quotes” \u0000',
      };
      await s.storage.write({ k: awkward });
      const { eTag, ...value } = (await s.storage.read(['k']))['k'] ?? {};
      expect(eTag).toBeDefined();
      expect(value).toEqual(awkward);
    });

    it('changes the eTag on every write', async () => {
      await s.storage.write({ k: { v: 1 } });
      const first = (await s.storage.read(['k']))['k']!;
      await s.storage.write({ k: { ...first, v: 2 } });
      const second = (await s.storage.read(['k']))['k']!;
      expect(second.v).toBe(2);
      expect(second.eTag).not.toBe(first.eTag);
    });

    it('refuses a stale write and keeps the newer value', async () => {
      await s.storage.write({ k: { v: 1 } });
      const read = (await s.storage.read(['k']))['k']!;
      await s.other.write({ k: { ...read, v: 2 } });
      await expect(s.storage.write({ k: { ...read, v: 3 } })).rejects.toThrow(/eTag/);
      expect((await s.storage.read(['k']))['k']).toMatchObject({ v: 2 });
    });

    it('lets exactly one of two concurrent writers with the same eTag win', async () => {
      await s.storage.write({ k: { v: 0 } });
      const read = (await s.storage.read(['k']))['k']!;
      const results = await Promise.allSettled([
        s.storage.write({ k: { ...read, v: 'replica-a' } }),
        s.other.write({ k: { ...read, v: 'replica-b' } }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      expect(won).toHaveLength(1);
      const winner = results[0].status === 'fulfilled' ? 'replica-a' : 'replica-b';
      expect((await s.storage.read(['k']))['k']).toMatchObject({ v: winner });
    });

    it('refuses a writer that stalled while others wrote twice', async () => {
      await s.storage.write({ k: { v: 0 } });
      const stalled = (await s.storage.read(['k']))['k']!;
      for (const v of [1, 2]) {
        const current = (await s.other.read(['k']))['k']!;
        await s.other.write({ k: { ...current, v } });
      }
      await expect(s.storage.write({ k: { ...stalled, v: 'late' } })).rejects.toThrow(/eTag/);
      expect((await s.storage.read(['k']))['k']).toMatchObject({ v: 2 });
    });

    it('lets many concurrent read-modify-write loops lose no update', async () => {
      await s.storage.write({ counter: { n: 0 } });
      const increment = async (storage: Storage) => {
        for (;;) {
          const current = (await storage.read(['counter']))['counter']!;
          try {
            await storage.write({ counter: { ...current, n: (current.n as number) + 1 } });
            return;
          } catch (err) {
            if (!/eTag/.test((err as Error).message)) throw err;
          }
        }
      };
      await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 ? s.storage : s.other)));
      expect((await s.storage.read(['counter']))['counter']).toMatchObject({ n: 10 });
    });

    it('writes unconditionally without an eTag or with "*"', async () => {
      await s.storage.write({ k: { v: 1 } });
      await s.storage.write({ k: { v: 2 } });
      await s.storage.write({ k: { v: 3, eTag: '*' } });
      expect((await s.storage.read(['k']))['k']).toMatchObject({ v: 3 });
    });

    it('refuses a write with an eTag for an item that was deleted meanwhile', async () => {
      await s.storage.write({ k: { v: 1 } });
      const read = (await s.storage.read(['k']))['k']!;
      await s.other.delete(['k']);
      await expect(s.storage.write({ k: { ...read, v: 2 } })).rejects.toThrow(/eTag/);
      expect(await s.storage.read(['k'])).toEqual({});
    });

    it('deletes what it is asked to, and ignores keys that are not there', async () => {
      await s.storage.write({ a: { v: 1 }, b: { v: 2 } });
      await s.storage.delete(['a', 'never-written']);
      expect(Object.keys(await s.storage.read(['a', 'b']))).toEqual(['b']);
    });

    it('writes several keys in one call', async () => {
      await s.storage.write({ x: { v: 'x' }, y: { v: 'y' } });
      const read = await s.storage.read(['x', 'y']);
      expect(read['x']).toMatchObject({ v: 'x' });
      expect(read['y']).toMatchObject({ v: 'y' });
    });

    it('rejects keys it cannot store', async () => {
      await expect(s.storage.write({ '': { v: 1 } })).rejects.toThrow(TypeError);
      await expect(s.storage.read(['x'.repeat(600)])).rejects.toThrow(TypeError);
    });
  });
}
