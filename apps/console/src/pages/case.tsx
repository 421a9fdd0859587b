import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, get, post } from '../lib/api';
import { can, type Session } from '../lib/auth';
import { fmtTime, t, word } from '../lib/i18n';
import { href } from '../lib/router';
import { ErrorBox, Loading, useLoad } from '../components/common';
import { TimeAxis, type OrderView } from '../components/time-axis';
import { ChangesTable, diff } from '../components/state-diff';
import { JudgementCard, type JudgementView } from '../components/judgement';
import { JudgeForm } from '../components/judge-form';

interface DisputeView {
  disputeId: string;
  orderId: string;
  merchantId: string;
  status: string;
  flow: string;
  openedAt: string;
  responseDueAt: string;
  agreedShipBy?: string;
  choice?: { option: string };
  judgement?: JudgementView;
  judgements?: JudgementView[];
  review?: { reason: string; allowedViolations: string[]; since?: string; findings?: { rule: string; detail: string }[] };
  revision: number;
  stream: string;
}

interface TimelineItem {
  revision: number;
  type: string;
  recordedAt: string;
  actor: { sub?: string; role?: string } | null;
  data: unknown;
  stateAfter: DisputeView;
}

interface ReplayAnswer {
  rulesVersion: string;
  recorded: JudgementView | null;
  replayed: JudgementView | null;
  differs: boolean;
  differences?: string[];
}

interface CaseData {
  dispute: DisputeView;
  timeline: TimelineItem[] | null;
  order?: OrderView;
}

/** Gives every event the state after it: an event without `stateAfter` left the state as the one before it. */
export function carryStates(items: (Omit<TimelineItem, 'stateAfter'> & { stateAfter?: DisputeView })[]): TimelineItem[] {
  let last: DisputeView | undefined;
  for (const e of items) {
    last = e.stateAfter ?? last;
    if (!last) throw new Error(`the timeline's event ${e.revision} has no state before it`);
    e.stateAfter = last;
  }
  return items as TimelineItem[];
}

async function loadCase(id: string, session: Session, signal: AbortSignal): Promise<CaseData> {
  const enc = encodeURIComponent(id);
  // The dispute, its timeline and (as soon as the dispute names it) the order, all in flight together.
  const disputeP = get<DisputeView>(`/disputes/${enc}`, { signal });
  const orderP = disputeP.then((d) =>
    get<OrderView>(`/orders/${encodeURIComponent(d.orderId)}`, { signal }).catch((e) => {
      if (e instanceof ApiError) return undefined;
      throw e;
    }),
  );
  // `?states=changed`: the state only after the events that changed it (a long case is mostly notes); the page
  // carries each state forward to the events after it, so every event still has the state it left.
  const timelineP = can.timeline(session.role)
    ? get<{ items: (Omit<TimelineItem, 'stateAfter'> & { stateAfter?: DisputeView })[] }>(`/disputes/${enc}/timeline?states=changed`, { signal }).then((r) => carryStates(r.items))
    : Promise.resolve(null);
  const [dispute, timeline, order] = await Promise.all([disputeP, timelineP, orderP]);
  return { dispute, timeline, order };
}

/**
 * A deep link to a case starts the case's requests as the console boots (main.tsx), before the first render
 * and its effects, so they are in flight while the page draws its frame; the page takes them over once.
 */
let prefetched: { key: string; data: Promise<CaseData> } | null = null;

export function prefetchCase(id: string, session: Session): void {
  const data = loadCase(id, session, new AbortController().signal);
  data.catch(() => undefined); // reported by the page that takes it
  prefetched = { key: `${id}\n${session.token}`, data };
}

function takePrefetched(id: string, session: Session): Promise<CaseData> | null {
  if (prefetched?.key !== `${id}\n${session.token}`) return null;
  const { data } = prefetched;
  prefetched = null;
  return data;
}

const ROWS = 100;

function Replay({ items }: { items: TimelineItem[] }) {
  const [r, setR] = useState(items.length - 1);
  const at = Math.min(r, items.length - 1);
  const cur = items[at];
  const prev = at > 0 ? items[at - 1] : null;
  const changes = useMemo(() => (prev ? diff(prev.stateAfter, cur.stateAfter) : []), [prev, cur]);
  // The events table shows ROWS events at a time, the page holding the slider's revision; the rows are
  // built once per page, so moving the slider re-renders only the state panel and marks the selected
  // row directly (a 1,000-event case stays responsive).
  const [view, setView] = useState(Math.floor(at / ROWS));
  useEffect(() => setView(Math.floor(at / ROWS)), [at]);
  const pages = Math.ceil(items.length / ROWS);
  const rows = useMemo(
    () =>
      items.slice(view * ROWS, view * ROWS + ROWS).map((e) => (
        <tr key={e.revision} data-revision={e.revision}>
          <td>{e.revision}</td>
          <td>{e.type}</td>
          <td>{fmtTime(e.recordedAt)}</td>
          <td>{e.actor ? `${e.actor.sub ?? ''} (${e.actor.role ?? ''})` : '—'}</td>
          <td>{word('status', e.stateAfter.status)}</td>
        </tr>
      )),
    [items, view],
  );
  const body = useRef<HTMLTableSectionElement>(null);
  // For the benchmark (bench/console-case.ts): when the events first stood on the page, and when the
  // slider's move to the last revision was shown.
  useEffect(() => {
    performance.mark('console:case-rendered', { detail: { events: items.length } });
    // Drawn: the frame after the render has been produced (layout and paint done, the main thread free for input).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => performance.mark('console:case-drawn', { detail: { events: items.length } }), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [items]);
  useEffect(() => {
    if (at === items.length - 1 && at > 0) performance.mark('console:revision-shown', { detail: { revision: at } });
  }, [at]);
  useEffect(() => {
    const tr = body.current?.children[at - view * ROWS] as HTMLElement | undefined;
    if (!tr) return;
    tr.classList.add('selected');
    tr.setAttribute('aria-current', 'step');
    return () => {
      tr.classList.remove('selected');
      tr.removeAttribute('aria-current');
    };
  }, [at, rows]);
  return (
    <section aria-labelledby="replay-h" class="replay">
      <h2 id="replay-h">{t('case.replayTitle')}</h2>
      <label for="revision">{t('case.slider')}</label>
      <input
        id="revision"
        type="range"
        min={0}
        max={items.length - 1}
        step={1}
        value={at}
        aria-valuetext={`${at}: ${cur.type}`}
        onInput={(e) => setR(Number((e.target as HTMLInputElement).value))}
      />
      <output for="revision" class="slider-value" data-testid="revision-value">
        {at} / {items.length - 1} · {cur.type}
      </output>
      <div class="state">
        <article>
          <header>
            <strong>{t('case.stateAfter', { r: at, type: cur.type })}</strong>
          </header>
          <dl class="facts">
            <dt>{t('case.status')}</dt>
            <dd data-testid="state-status" data-status={cur.stateAfter.status}>
              {word('status', cur.stateAfter.status)}
            </dd>
            <dt>{t('case.recordedAt')}</dt>
            <dd>{fmtTime(cur.recordedAt)}</dd>
            <dt>{t('case.actor')}</dt>
            <dd>{cur.actor ? `${cur.actor.sub ?? ''} (${cur.actor.role ?? ''})` : '—'}</dd>
            {cur.stateAfter.choice && (
              <>
                <dt>{t('case.choiceOnFile')}</dt>
                <dd>{word('option', cur.stateAfter.choice.option)}</dd>
              </>
            )}
            {cur.stateAfter.judgement && (
              <>
                <dt>{t('case.judgement')}</dt>
                <dd>
                  {word('outcome', cur.stateAfter.judgement.outcome)} · {cur.stateAfter.judgement.rulesVersion} · {cur.stateAfter.judgement.penalty?.points ?? 0}
                </dd>
              </>
            )}
          </dl>
        </article>
        <div data-testid="changes">{prev ? <ChangesTable changes={changes} caption={t('case.changes', { r: at - 1 })} /> : <p>{t('case.changesFirst')}</p>}</div>
      </div>
      <h3>{t('case.events')}</h3>
      {pages > 1 && (
        <nav class="pager" aria-label={t('case.events')}>
          <button type="button" class="secondary" disabled={view === 0} onClick={() => setView(view - 1)}>
            {t('common.previous')}
          </button>
          <span>{t('case.eventsShown', { from: view * ROWS, to: Math.min(items.length, view * ROWS + ROWS) - 1, n: items.length })}</span>
          <button type="button" class="secondary" disabled={view >= pages - 1} onClick={() => setView(view + 1)}>
            {t('common.next')}
          </button>
        </nav>
      )}
      <div class="overflow-auto events-table">
        <table class="striped">
          <thead>
            <tr>
              <th scope="col">{t('case.revision')}</th>
              <th scope="col">{t('case.type')}</th>
              <th scope="col">{t('case.recordedAt')}</th>
              <th scope="col">{t('case.actor')}</th>
              <th scope="col">{t('case.status')}</th>
            </tr>
          </thead>
          <tbody ref={body}>{rows}</tbody>
        </table>
      </div>
    </section>
  );
}

function Rejudge({ disputeId, recorded }: { disputeId: string; recorded?: JudgementView }) {
  const [version, setVersion] = useState(recorded?.rulesVersion === 'v1' ? 'v2' : 'v1');
  const [answer, setAnswer] = useState<ReplayAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setAnswer(await post<ReplayAnswer>(`/disputes/${encodeURIComponent(disputeId)}/replay`, { rulesVersion: version }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="rejudge-h">
      <h3 id="rejudge-h">{t('case.rejudge')}</h3>
      <form onSubmit={run} class="rejudge">
        <label for="rules-version">{t('case.rulesVersion')}</label>
        <fieldset role="group">
          <select id="rules-version" value={version} onChange={(e) => setVersion((e.target as HTMLSelectElement).value)}>
            <option value="v1">v1</option>
            <option value="v2">v2</option>
          </select>
          <button type="submit" aria-busy={busy ? 'true' : undefined}>
            {t('case.rejudgeButton')}
          </button>
        </fieldset>
      </form>
      <ErrorBox error={error} />
      {answer && (
        <div data-testid="replay-answer">
          {answer.differs ? (
            <div class="differs">
              <p>
                <strong>{t('case.differs')}</strong>
              </p>
              <ul>
                {(answer.differences ?? []).map((d) => (
                  <li key={d}>{d}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p>{t('case.same', { v: answer.rulesVersion })}</p>
          )}
          <div class="grid">
            {answer.recorded && <JudgementCard j={answer.recorded} title={t('case.recorded')} />}
            {answer.replayed && <JudgementCard j={answer.replayed} title={`${t('case.replayed')} (${answer.rulesVersion})`} />}
          </div>
        </div>
      )}
    </section>
  );
}

export function CasePage({ session, id }: { session: Session; id: string }) {
  const data = useLoad((signal) => takePrefetched(id, session) ?? loadCase(id, session, signal), [id, session.token]);
  const [judged, setJudged] = useState(false);
  if (!data.data) {
    return (
      <>
        <h1>{t('case.title', { id })}</h1>
        <Loading when={data.loading} />
        <ErrorBox error={data.error} />
      </>
    );
  }
  const { dispute: d, timeline, order } = data.data;
  const history = (d.judgements ?? []).filter((j) => j.supersededAt);
  return (
    <>
      <h1>{t('case.title', { id })}</h1>
      <dl class="facts summary">
        <dt>{t('case.status')}</dt>
        <dd data-testid="case-status">{word('status', d.status)}</dd>
        <dt>{t('case.order')}</dt>
        <dd>{d.orderId}</dd>
        <dt>{t('case.merchant')}</dt>
        <dd>{can.scorecard(session.role) ? <a href={href.merchant(d.merchantId)}>{d.merchantId}</a> : d.merchantId}</dd>
        <dt>{t('case.flow')}</dt>
        <dd>{d.flow}</dd>
        {d.choice && (
          <>
            <dt>{t('case.choiceOnFile')}</dt>
            <dd>{word('option', d.choice.option)}</dd>
          </>
        )}
        {d.review && (
          <>
            <dt>{t('case.review')}</dt>
            <dd>
              {word('reason', d.review.reason)}
              {(d.review.findings ?? []).length > 0 && (
                <ul class="findings">
                  {d.review.findings!.map((f, i) => (
                    <li key={i}>
                      <code>{f.rule}</code> {f.detail}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </>
        )}
        <dt>{t('case.stream')}</dt>
        <dd>{can.streams(session.role) ? <a href={href.stream(d.stream)}>{d.stream}</a> : <code>{d.stream}</code>}</dd>
      </dl>
      {judged && <p role="status" class="ok">{t('case.judged')}</p>}
      <section aria-labelledby="facts-h">
        <h2 id="facts-h">{t('case.facts')}</h2>
        <TimeAxis order={order} dispute={d} />
      </section>
      {timeline && timeline.length > 0 && <Replay key={timeline.length} items={timeline} />}
      <section aria-labelledby="judgement-h">
        <h2 id="judgement-h">{t('case.judgement')}</h2>
        {d.judgement ? <JudgementCard j={d.judgement} /> : <p>{t('case.noJudgement')}</p>}
        {history.length > 0 && (
          <details open data-testid="judgement-history">
            <summary>{t('case.history')}</summary>
            {history.map((j) => (
              <JudgementCard key={j.decidedAt} j={j} title={t('case.replaced')} />
            ))}
          </details>
        )}
        {d.status === 'UNDER_REVIEW' && can.judge(session.role) && (
          <JudgeForm
            disputeId={d.disputeId}
            allowedViolations={d.review?.allowedViolations ?? []}
            onJudged={() => {
              setJudged(true);
              data.reload();
            }}
          />
        )}
        {d.judgement && can.replay(session.role) && <Rejudge disputeId={d.disputeId} recorded={d.judgement} />}
      </section>
    </>
  );
}
