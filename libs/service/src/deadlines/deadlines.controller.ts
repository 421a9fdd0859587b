import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../platform/openapi/decorators';
import { Roles } from '../platform/auth/auth';
import { DeadlinesService } from './deadlines.service';

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller('deadlines')
export class DeadlinesController {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Post('run')
  @HttpCode(200)
  @Roles('platform')
  @ApiOperation({ summary: 'Fire every deadline that is due now (they also fire on their own); answers {fired}' })
  @Answers(200, 'DeadlinesRun', 'How many deadlines fired')
  async run() {
    return { fired: await this.deadlines.runOnce() };
  }
}
