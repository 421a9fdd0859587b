import { Controller, Get, Header, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Answers } from '../platform/openapi/decorators';
import { StreamParam } from '../platform/validation/params';
import { ConsistencyQuery, GlobalPageQuery, InclusionQuery, StreamPageQuery } from './audit.dto';
import type { FastifyReply } from 'fastify';
import { exportPublicKey, MerkleLogError, verifyStreamChain } from '@app/audit';
import { EVENT_STORE, parsePosition, START, type EventStore, type RecordedEvent } from '@app/event-store';
import { Roles } from '../platform/auth/auth';
import { ProblemException } from '../platform/http/problem';
import { ProjectionsService } from '../read-models/projections.service';

/** The raw event as auditors see it (contract: stream, revision, position, eventId, type, data, metadata, recordedAt, hash, prevHash). */
function raw(e: RecordedEvent) {
  return {
    stream: e.stream,
    revision: e.revision,
    position: e.position,
    eventId: e.eventId,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

function merkleProblem(e: unknown): never {
  if (e instanceof MerkleLogError) {
    const status = e.code === 'event-not-found' ? 404 : e.code === 'invalid-range' ? 400 : 500;
    throw new ProblemException(status, `MERKLE_${e.code.toUpperCase().replace(/-/g, '_')}`, e.message);
  }
  throw e;
}

/** Read-only audit API (role auditor): raw streams, the global feed, chain verification, Merkle proofs. No write path. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: ProjectionsService,
  ) {}

  private async streamOr404(stream: string, from = 0, limit?: number): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(stream, { fromRevision: from, ...(limit ? { maxCount: limit } : {}) });
    if (events.length === 0 && (await this.store.streamRevision(stream)) === null) {
      throw new ProblemException(404, 'NOT_FOUND', `Stream ${stream} was not found.`);
    }
    return events;
  }

  @Get('streams/:stream')
  @Roles('auditor')
  @ApiOperation({ summary: 'Raw events of one stream from a revision, in pages' })
  @Answers(200, 'EventPage', 'A page of the stream (nextCursor: the next revision)')
  async stream(@Param() p: StreamParam, @Query() q: StreamPageQuery) {
    const limit = q.limit ?? 100;
    const events = await this.streamOr404(p.stream, q.from ?? 0, limit + 1);
    const items = events.slice(0, limit).map(raw);
    return events.length > limit ? { items, nextCursor: String(items[items.length - 1].revision + 1) } : { items };
  }

  @Get('events')
  @Roles('auditor')
  @ApiOperation({ summary: "Every stream's events in global order; `from` is the previous page's nextCursor (a position, exclusive)" })
  @Answers(200, 'EventPage', 'A page of the global feed')
  async events(@Query() q: GlobalPageQuery) {
    const after = q.from ?? START;
    try {
      parsePosition(after);
    } catch {
      throw new ProblemException(400, 'INVALID_CURSOR', '`from` must be a nextCursor from a previous page.', { errors: [{ field: 'from', messages: ['must be a position A/B'] }] });
    }
    const page = await this.store.readAll({ after, maxCount: q.limit ?? 100 });
    const items = page.events.map(raw);
    return page.isEnd ? { items } : { items, nextCursor: page.lastPosition };
  }

  @Get('streams/:stream/verify')
  @Roles('auditor')
  @ApiOperation({ summary: "Recompute a stream's hash chain and check it against its head in the Merkle log: {valid, checked, brokenAt?}" })
  @Answers(200, 'StreamVerification', 'The verification result')
  async verify(@Param() p: StreamParam) {
    await this.projections.catchUp();
    const events = await this.streamOr404(p.stream);
    const head = await this.projections.merkleLog.streamHead(p.stream);
    const logged = await this.projections.merkleLog.streamHashes(p.stream);
    const r = verifyStreamChain(events, { stream: p.stream, ...(head ? { expectedHead: head } : {}), logged });
    return { stream: p.stream, valid: r.valid, checked: r.checked, ...(r.valid ? {} : { brokenAt: r.brokenAt, reason: r.reason, detail: r.detail }) };
  }

  @Get('streams/:stream/export')
  @Roles('auditor')
  @Header('content-type', 'application/x-ndjson; charset=utf-8')
  @ApiOperation({ summary: 'The whole stream as NDJSON, one raw event a line' })
  @ApiResponse({ status: 200, description: 'One raw event (as in EventPage items) per line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } })
  async export(@Param() p: StreamParam, @Res({ passthrough: true }) reply: FastifyReply) {
    const events = await this.streamOr404(p.stream);
    void reply.header('content-disposition', `attachment; filename="${p.stream}.ndjson"`);
    return events.map((e) => JSON.stringify(raw(e))).join('\n') + '\n';
  }

  @Get('audit/checkpoint')
  @Roles('auditor')
  @ApiOperation({ summary: 'The latest signed checkpoint of the global Merkle log {origin, size, root, issuedAt, keyId, signature}' })
  @Answers(200, 'Checkpoint', 'The latest checkpoint')
  async checkpoint() {
    const cp = (await this.projections.merkleLog.latestCheckpoint()) ?? (await this.projections.checkpoint());
    if (!cp) throw new ProblemException(404, 'NO_CHECKPOINT', 'No checkpoint has been signed yet (the log is empty).');
    return cp;
  }

  @Post('audit/checkpoints')
  @HttpCode(201)
  @Roles('platform')
  @ApiOperation({ summary: 'Sign a checkpoint now (the service also signs one every AUDIT_CHECKPOINT_INTERVAL when the log grew)' })
  @Answers(201, 'Checkpoint', 'The new checkpoint')
  async signCheckpoint() {
    await this.projections.catchUp();
    const cp = await this.projections.checkpoint();
    if (!cp) throw new ProblemException(409, 'LOG_EMPTY', 'The log is empty; nothing to sign.');
    return cp;
  }

  @Get('audit/public-key')
  @Roles('auditor')
  @ApiOperation({ summary: 'The Ed25519 public key checkpoints are signed with (pin it out of band)' })
  @Answers(200, 'PublicKey', 'The public key')
  publicKey() {
    return exportPublicKey(this.projections.signer.publicKey);
  }

  @Get('audit/proofs/inclusion')
  @Roles('auditor')
  @ApiOperation({ summary: 'Inclusion proof of an event in the tree of a given size (default: the latest checkpoint)' })
  @Answers(200, 'InclusionProof', 'The inclusion proof')
  async inclusion(@Query() q: InclusionQuery) {
    const size = q.treeSize ?? (await this.projections.merkleLog.latestCheckpoint())?.size;
    return this.projections.merkleLog.inclusionProof(q.eventId, size).catch(merkleProblem);
  }

  @Get('audit/proofs/consistency')
  @Roles('auditor')
  @ApiOperation({ summary: 'Consistency proof between two tree sizes (default `to`: the latest checkpoint)' })
  @Answers(200, 'ConsistencyProof', 'The consistency proof')
  async consistency(@Query() q: ConsistencyQuery) {
    const to = q.to ?? (await this.projections.merkleLog.latestCheckpoint())?.size;
    return this.projections.merkleLog.consistencyProof(q.from, to).catch(merkleProblem);
  }
}
