import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from './command-context';
import type { Actor } from '../auth/auth';
import type { OrderFactDto, RegisterOrderDto } from '../dto/orders.dto';
import type { ChoiceDto, ConsumerResponseDto, ContestDto, JudgementDto, OpenDisputeDto } from '../dto/disputes.dto';
import { OrdersService } from '../orders/orders.service';
import { DisputesService } from '../disputes/disputes.service';

/**
 * The write side as NestJS CQRS commands: controllers dispatch these on the CommandBus; each handler runs
 * read → decide (pure domain) → append through the services. Reads go straight to the services/read models.
 */
export class RegisterOrderCommand {
  constructor(readonly dto: RegisterOrderDto, readonly ctx: CommandContext) {}
}
export class RecordOrderFactCommand {
  constructor(readonly orderId: string, readonly dto: OrderFactDto, readonly ctx: CommandContext) {}
}
export class OpenDisputeCommand {
  constructor(readonly dto: OpenDisputeDto, readonly ctx: CommandContext) {}
}
export class ChooseOptionCommand {
  constructor(readonly disputeId: string, readonly dto: ChoiceDto, readonly actor: Actor, readonly ctx: CommandContext) {}
}
export class ConsumerRespondCommand {
  constructor(readonly disputeId: string, readonly dto: ConsumerResponseDto, readonly actor: Actor, readonly ctx: CommandContext) {}
}
export class ContestSettlementCommand {
  constructor(readonly disputeId: string, readonly dto: ContestDto, readonly actor: Actor, readonly ctx: CommandContext) {}
}
export class JudgeDisputeCommand {
  constructor(readonly disputeId: string, readonly dto: JudgementDto, readonly actor: Actor, readonly ctx: CommandContext) {}
}

@CommandHandler(RegisterOrderCommand)
export class RegisterOrderHandler implements ICommandHandler<RegisterOrderCommand> {
  constructor(private readonly orders: OrdersService) {}
  execute(c: RegisterOrderCommand) {
    return this.orders.register(c.dto, c.ctx);
  }
}
@CommandHandler(RecordOrderFactCommand)
export class RecordOrderFactHandler implements ICommandHandler<RecordOrderFactCommand> {
  constructor(private readonly orders: OrdersService) {}
  execute(c: RecordOrderFactCommand) {
    return this.orders.recordFact(c.orderId, c.dto, c.ctx);
  }
}
@CommandHandler(OpenDisputeCommand)
export class OpenDisputeHandler implements ICommandHandler<OpenDisputeCommand> {
  constructor(private readonly disputes: DisputesService) {}
  execute(c: OpenDisputeCommand) {
    return this.disputes.open(c.dto, c.ctx);
  }
}
@CommandHandler(ChooseOptionCommand)
export class ChooseOptionHandler implements ICommandHandler<ChooseOptionCommand> {
  constructor(private readonly disputes: DisputesService) {}
  execute(c: ChooseOptionCommand) {
    return this.disputes.choose(c.disputeId, c.dto, c.actor, c.ctx);
  }
}
@CommandHandler(ConsumerRespondCommand)
export class ConsumerRespondHandler implements ICommandHandler<ConsumerRespondCommand> {
  constructor(private readonly disputes: DisputesService) {}
  execute(c: ConsumerRespondCommand) {
    return this.disputes.respond(c.disputeId, c.dto, c.actor, c.ctx);
  }
}
@CommandHandler(ContestSettlementCommand)
export class ContestSettlementHandler implements ICommandHandler<ContestSettlementCommand> {
  constructor(private readonly disputes: DisputesService) {}
  execute(c: ContestSettlementCommand) {
    return this.disputes.contest(c.disputeId, c.dto, c.actor, c.ctx);
  }
}
@CommandHandler(JudgeDisputeCommand)
export class JudgeDisputeHandler implements ICommandHandler<JudgeDisputeCommand> {
  constructor(private readonly disputes: DisputesService) {}
  execute(c: JudgeDisputeCommand) {
    return this.disputes.judge(c.disputeId, c.dto, c.actor, c.ctx);
  }
}

export const COMMAND_HANDLERS = [
  RegisterOrderHandler,
  RecordOrderFactHandler,
  OpenDisputeHandler,
  ChooseOptionHandler,
  ConsumerRespondHandler,
  ContestSettlementHandler,
  JudgeDisputeHandler,
];
