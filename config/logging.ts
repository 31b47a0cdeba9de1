import { z } from 'zod';
import { logLevel } from './knobs';
import { configLoader } from './read';

/** How every process writes its log lines (read by processes/log.ts, once per process). */
export const loggingConfigSchema = z
  .object({
    LOG_LEVEL: logLevel,
    /** `pretty`: one coloured line per record (pino-pretty); `json`: one JSON object per line. Unset: pretty on a terminal, JSON otherwise. */
    LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  })
  .transform((e) => ({ level: e.LOG_LEVEL, format: e.LOG_FORMAT as 'json' | 'pretty' | undefined }));

export type LoggingConfig = z.output<typeof loggingConfigSchema>;

export const loadLoggingConfig = configLoader(loggingConfigSchema);
