import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../platform/openapi/decorators';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import { ChangesQuery, SimulationIdParam, StartSimulationDto } from './simulations.dto';
import { SimulationsService } from './simulations.service';

@ApiTags('what-if simulations')
@ApiBearerAuth()
@Controller('simulations')
export class SimulationsController {
  constructor(
    private readonly simulations: SimulationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @Roles('adjudicator', 'platform')
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe: same key + same body → the first answer (the same simulation)' })
  @ApiOperation({
    summary: 'Start a what-if simulation: every judgement and merchant-week of a period re-judged under another rules version (read-only)',
    description:
      'Every calendar week (BUSINESS_TIMEZONE) overlapping [from, to) is simulated whole (weeks not begun yet are left out). A week’s statistics are ' +
      'taken at its close (end + WEEK_CLOSE_DELAY) or, for a week still open, at the time of the request. Points recorded = the version in force ' +
      '(RULES_VERSION); simulated = `rulesVersion`. Runs in the background; poll GET /simulations/{id}. Nothing the service serves is changed.',
  })
  @Answers(202, 'SimulationStarted', 'The simulation, RUNNING')
  start(@Body() dto: StartSimulationDto, @CurrentActor() actor: Actor) {
    // With the background off (a worker runs it), the run is only recorded here: the worker executes it.
    return this.simulations.start(dto, actor, { runHere: this.config.RUN_BACKGROUND });
  }

  @Get(':id')
  @Roles('adjudicator', 'platform')
  @ApiOperation({
    summary: 'A simulation: progress while RUNNING; when DONE, totals and per merchant-week the points recorded vs simulated',
    description: 'totals and weeks appear only when status is DONE (never a partial result). FAILED carries `error`.',
  })
  @Answers(200, 'Simulation', 'The simulation (totals and weeks once DONE)')
  @ApiNotFoundResponse({ description: 'Unknown simulation' })
  get(@Param() p: SimulationIdParam) {
    return this.simulations.view(p.id);
  }

  @Get(':id/changes')
  @Roles('adjudicator', 'platform')
  @ApiOperation({
    summary: 'The cases whose outcome or points differ under the simulated version: {items, nextCursor}',
    description: 'Items {disputeId, merchantId, week, recorded, simulated, reasons}, ordered by week, merchant, dispute. 409 while the simulation is not DONE.',
  })
  @Answers(200, 'SimulationChanges', 'A page of changed cases')
  @ApiNotFoundResponse({ description: 'Unknown simulation' })
  @ApiConflictResponse({ description: 'The simulation is still RUNNING or FAILED' })
  changes(@Param() p: SimulationIdParam, @Query() q: ChangesQuery) {
    return this.simulations.changes(p.id, q.cursor, q.limit ?? 50);
  }
}
