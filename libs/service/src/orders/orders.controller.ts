import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Answers } from '../platform/openapi/decorators';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { contextFrom } from '../platform/commands/command-context';
import { setPosition } from '../platform/http/position-header';
import { type Actor, CurrentActor, Roles } from '../platform/auth/auth';
import { OrderFactDto, RegisterOrderDto } from './orders.dto';
import { OrderIdParam } from '../platform/validation/params';
import { OrderQueries } from './queries/order-queries';
import { CommandBus } from '@nestjs/cqrs';
import { RegisterOrderCommand } from './commands/register-order.handler';
import { RecordOrderFactCommand } from './commands/record-order-fact.handler';

@ApiTags('orders')
@ApiBearerAuth()
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Retry-safe writes: same key + same body → the first answer' })
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly orders: OrderQueries,
    private readonly commands: CommandBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Roles('platform')
  @ApiOperation({ summary: 'Register an order (platform order pipeline)' })
  @Answers(201, 'OrderView', 'The order with its shipping assessment')
  async register(@Body() dto: RegisterOrderDto, @CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { view, result } = await this.commands.execute(new RegisterOrderCommand(dto, contextFrom(req, actor)));
    setPosition(reply, result.position);
    return view;
  }

  @Post(':orderId/facts')
  @HttpCode(201)
  @Roles('platform')
  @ApiOperation({ summary: 'Record an order or logistics fact (paid, waybill, pickup scan, cancellation, refund, lock, invalidation)' })
  @Answers(201, 'OrderView', 'The order with the fact recorded')
  async fact(
    @Param() p: OrderIdParam,
    @Body() dto: OrderFactDto,
    @CurrentActor() actor: Actor,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { view, result } = await this.commands.execute(new RecordOrderFactCommand(p.orderId, dto, contextFrom(req, actor)));
    setPosition(reply, result.position);
    return view;
  }

  @Get(':orderId')
  @Roles('platform', 'merchant', 'consumer', 'adjudicator', 'auditor')
  @ApiOperation({ summary: 'The order, its facts and its shipping clock (merchants and consumers: their own orders only)' })
  @Answers(200, 'OrderView', 'Order view')
  async get(@Param() p: OrderIdParam, @CurrentActor() actor: Actor) {
    return this.orders.get(p.orderId, actor);
  }
}
