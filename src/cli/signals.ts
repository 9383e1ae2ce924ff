/** The signals that stop a long command (ingest, export) cleanly, and the exit code of each (128 + its number, as a shell reports it). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export const SIGNAL_EXIT_CODE: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
