import { sweeperFromEnvironment } from '../src/runtime/lambda-wiring.ts';
import type { SweepReport } from '../src/runtime/sweeper.ts';

const sweepOpenIncidents = sweeperFromEnvironment(process.env);

export const handler = (): Promise<SweepReport> => sweepOpenIncidents();
