import { Module } from '@nestjs/common';
import { SimulationsController } from './simulations.controller';
import { SimulationsService } from './simulations.service';

/**
 * What-if simulations (POST/GET /simulations): a period re-judged under another rules version from the recorded
 * events, read-only; its bookkeeping lives in its own tables (sim_runs, sim_weeks, sim_changes). Uses the global
 * persistence/config providers, and the application's ProjectionsService (looked up, not imported) to wait
 * until the read models include everything recorded before a run starts.
 */
@Module({
  controllers: [SimulationsController],
  providers: [SimulationsService],
  exports: [SimulationsService],
})
export class SimulationsModule {}
