/**
 * A record of effects that must happen at most once (a welcome, an introduction, later a nudge).
 * Claiming is atomic: of any number of concurrent callers with the same key, exactly one gets true.
 */
export interface EffectLedger {
  claim(key: string, kind: string, now: Date): Promise<boolean>;
  /** Removes a claim: its key may be claimed again (and the person's ids in it are gone). */
  forget(key: string): Promise<void>;
}
