import type { StaticCredentials } from '../adapters/aws-clients.ts';

/** Defaults of local mode. Everything here is overridable through the stack's options. */

export const LOCAL_REGION = 'us-east-1';
/** The stage local names are resolved with (serverless.yml: `${self:service}-${sls:stage}-…`). */
export const LOCAL_STAGE = 'local';
export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_HOST = '127.0.0.1';

/** The emulators check that credentials are present, not what they are; these are deliberately fake. */
export const LOCAL_CREDENTIALS: StaticCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** kinesalite needs a shard count; the deployed stream is on-demand. Two shards exercise parallelism. */
export const LOCAL_SHARD_COUNT = 2;

export const STATE_FILE_NAME = 'local-stack.json';
export const DYNAMODB_DATA_DIR = 'dynamodb';
export const KINESIS_DATA_DIR = 'kinesis';

export const EMULATOR_READY_TIMEOUT_MS = 30_000;
/** How long a child gets to exit after SIGTERM before it is killed. */
export const STOP_GRACE_MS = 5_000;
