import { Module } from '@nestjs/common';
import { DelaysModule } from '../delays/delays.module';
import { MerchantWeeksModule } from '../merchant-weeks/merchant-weeks.module';
import { ReadModelsModule } from '../read-models/read-models.module';
import { DeadlinesController } from './deadlines.controller';
import { DeadlinesService } from './deadlines.service';

/** The deadline scheduler (cases, delay cards and reports, merchant-week closes) and POST /deadlines/run. */
@Module({
  imports: [ReadModelsModule, DelaysModule, MerchantWeeksModule],
  controllers: [DeadlinesController],
  providers: [DeadlinesService],
  exports: [DeadlinesService],
})
export class DeadlinesModule {}
