/** Where `incidents serve` and `npm start` put the incident page unless told otherwise. */
export const DEFAULT_WEB_HOST = '127.0.0.1';
export const DEFAULT_WEB_PORT = 4280;

/** Rows per list request: a page, not an export (the CLI's `list --json` is for bulk). */
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 200;

/** Longer request targets are refused before any parsing (414). */
export const MAX_URL_CHARS = 4096;
/** An ARN is at most 2048 characters (the IAM limit); nothing longer is a state machine. */
export const MAX_ARN_CHARS = 2048;

/** Incident ids are `inc-` and hex today; the bound keeps any future scheme URL-safe and short. */
export const INCIDENT_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
