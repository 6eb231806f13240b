import type { Logger } from 'pino';
import type { EffectLedger } from '../../domain/effects';
import type { Locale } from '../../domain/locale';
import type { ProfessionalService } from '../../domain/professional.service';
import type { LedgerService } from '../../domain/ledger.service';
import type { TrajectService } from '../../domain/traject.service';

/** What feature handlers may use: domain services and ports, never a database or HTTP client. */
export interface FeatureDeps {
  logger: Logger;
  defaultLocale: Locale;
  professionals: ProfessionalService;
  trajects: TrajectService;
  ledger: LedgerService;
  /** A fresh random id (UUID), e.g. for a card submission. */
  newId: () => string;
  effects: EffectLedger;
  clock: () => Date;
  /** Teams' people picker works only with an app registration (Graph behind it); locally a text input. */
  peoplePicker: boolean;
}
