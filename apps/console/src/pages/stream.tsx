import { useState } from 'preact/hooks';
import { get, qs, type Page } from '../lib/api';
import { can, type Session } from '../lib/auth';
import { fmtTime, t, type Key } from '../lib/i18n';
import { ErrorBox, Hash, Loading, Pager, useLoad } from '../components/common';
import { chainVerifier, parsePublicKey, verifyInclusion, type ChainVerifyResult as ChainResult, type Checkpoint, type InclusionProof, type RawEvent, type VerificationReport as Report } from '../verify';

const PAGE = 50;
const KEY_STORE = 'dispute-console.pinned-key';

async function downloadStream(stream: string): Promise<RawEvent[]> {
  const all: RawEvent[] = [];
  let from: string | undefined = '0';
  while (from !== undefined) {
    const page: Page<RawEvent> = await get<Page<RawEvent>>(`/streams/${encodeURIComponent(stream)}${qs({ from, limit: 1000 })}`);
    all.push(...page.items);
    from = page.nextCursor;
  }
  return all;
}

function VerifyPanel({ stream, onResult }: { stream: string; onResult: (r: ChainResult | null) => void }) {
  const [result, setResult] = useState<ChainResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const verify = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    onResult(null);
    try {
      const events = await downloadStream(stream);
      const v = chainVerifier(stream);
      for (const e of events) if (!v.push(e)) break;
      const r = v.finish();
      setResult(r);
      onResult(r);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article aria-labelledby="verify-h">
      <h2 id="verify-h">{t('streams.verifyTitle')}</h2>
      <p>{t('streams.verifyIntro')}</p>
      <button type="button" onClick={verify} aria-busy={busy ? 'true' : undefined}>
        {busy ? t('streams.verifying') : t('streams.verify')}
      </button>
      <ErrorBox error={error} />
      {result && (
        <p role="status" data-testid="chain-result" data-valid={String(result.valid)} data-broken-at={result.brokenAt ?? ''} class={result.valid ? 'ok' : 'error'}>
          {result.valid
            ? t('streams.intact', { n: result.checked, head: result.head?.revision ?? '—' })
            : t('streams.broken', { r: result.brokenAt ?? '?', reason: t(`streams.reason.${result.reason}` as Key) })}
          {result.recomputed && (
            <>
              {' '}
              <small>
                (SHA-256 <code>{result.recomputed}</code>)
              </small>
            </>
          )}
        </p>
      )}
    </article>
  );
}

function ProofPanel({ stream, lastRevision }: { stream: string; lastRevision: number }) {
  const [key, setKey] = useState(() => localStorage.getItem(KEY_STORE) ?? '');
  const [revision, setRevision] = useState(String(Math.max(0, lastRevision)));
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const check = async (e: Event) => {
    e.preventDefault();
    setReport(null);
    setError(null);
    let pub: Uint8Array;
    try {
      pub = parsePublicKey(key);
    } catch (err) {
      setError(new Error(key.trim() ? (err as Error).message : t('streams.noKey')));
      return;
    }
    localStorage.setItem(KEY_STORE, key.trim());
    setBusy(true);
    try {
      const page = await get<Page<RawEvent>>(`/streams/${encodeURIComponent(stream)}${qs({ from: revision, limit: 1 })}`);
      const event = page.items[0];
      if (!event || String(event.revision) !== revision) throw new Error(`revision ${revision} not found`);
      const checkpoint = await get<Checkpoint>('/audit/checkpoint');
      const proof = await get<InclusionProof>(`/audit/proofs/inclusion${qs({ eventId: event.eventId, treeSize: checkpoint.size })}`);
      setReport(verifyInclusion({ checkpoint, proof, event, publicKey: pub }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const failed = report?.steps.find((s) => !s.ok);
  return (
    <article aria-labelledby="proof-h">
      <h2 id="proof-h">{t('streams.proofTitle')}</h2>
      <form onSubmit={check}>
        <label for="pinned-key">{t('streams.key')}</label>
        <textarea id="pinned-key" rows={2} spellcheck={false} aria-describedby="pinned-key-help" value={key} onInput={(e) => setKey((e.target as HTMLTextAreaElement).value)} />
        <small id="pinned-key-help">{t('streams.keyHelp')}</small>
        <label for="proof-revision">{t('streams.proofRevision')}</label>
        <fieldset role="group">
          <input id="proof-revision" type="number" min={0} value={revision} onInput={(e) => setRevision((e.target as HTMLInputElement).value)} />
          <button type="submit" aria-busy={busy ? 'true' : undefined}>
            {t('streams.checkProof')}
          </button>
        </fieldset>
      </form>
      <ErrorBox error={error} />
      {report && (
        <div data-testid="proof-result" data-valid={String(report.valid)}>
          <p role="status" class={report.valid ? 'ok' : 'error'}>
            {report.valid ? t('streams.proofValid') : t('streams.proofInvalid', { detail: failed?.detail ?? '' })}
          </p>
          <ol class="steps">
            {report.steps.map((s) => (
              <li key={s.check} class={s.ok ? 'ok' : 'error'}>
                {s.ok ? '✔' : '✘'} <code>{s.check}</code> {s.detail}
              </li>
            ))}
          </ol>
        </div>
      )}
    </article>
  );
}

export function StreamPage({ session, stream }: { session: Session; stream: string }) {
  const [from, setFrom] = useState<number[]>([0]);
  const [chain, setChain] = useState<ChainResult | null>(null);
  const start = from[from.length - 1];
  const allowed = can.streams(session.role);
  const data = useLoad<Page<RawEvent>>(
    (signal) => (allowed ? get(`/streams/${encodeURIComponent(stream)}${qs({ from: start, limit: PAGE })}`, { signal }) : Promise.resolve({ items: [] })),
    [stream, start, allowed],
  );
  if (!allowed) return <p>{t('common.forbidden')}</p>;
  const items = data.data?.items ?? [];
  const last = items.length ? items[items.length - 1].revision : 0;
  return (
    <>
      <h1>{t('streams.title', { stream })}</h1>
      <div class="grid">
        <VerifyPanel stream={stream} onResult={setChain} />
        <ProofPanel stream={stream} lastRevision={last} />
      </div>
      <Loading when={data.loading && !data.data} />
      <ErrorBox error={data.error} />
      {items.length > 0 && <EventsTable items={items} brokenAt={chain && !chain.valid ? chain.brokenAt : undefined} showStream={false} />}
      <Pager
        page={from.length}
        hasNext={!!data.data?.nextCursor}
        onNext={() => data.data?.nextCursor && setFrom((f) => [...f, Number(data.data!.nextCursor)])}
        onPrevious={() => setFrom((f) => (f.length > 1 ? f.slice(0, -1) : f))}
      />
    </>
  );
}

export function EventsTable({ items, brokenAt, showStream }: { items: RawEvent[]; brokenAt?: number; showStream: boolean }) {
  return (
    <div class="overflow-auto">
      <table class="striped raw-events">
        <thead>
          <tr>
            {showStream && <th scope="col">{t('streams.stream')}</th>}
            <th scope="col">{t('streams.revision')}</th>
            <th scope="col">{t('streams.position')}</th>
            <th scope="col">{t('streams.type')}</th>
            <th scope="col">{t('streams.recordedAt')}</th>
            <th scope="col">{t('streams.hash')}</th>
            <th scope="col">{t('streams.prevHash')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={`${e.stream}/${e.revision}`} data-revision={e.revision} class={brokenAt === e.revision ? 'broken' : undefined}>
              {showStream && (
                <td>
                  <a href={`/console/streams/${encodeURIComponent(e.stream)}`}>{e.stream}</a>
                </td>
              )}
              <td>
                {e.revision}
                {brokenAt === e.revision && (
                  <>
                    {' '}
                    <mark class="flag">{t('streams.brokenRow')}</mark>
                  </>
                )}
              </td>
              <td>
                <code>{e.position}</code>
              </td>
              <td>{e.type}</td>
              <td>{fmtTime(e.recordedAt)}</td>
              <td>
                <Hash value={e.hash} />
              </td>
              <td>
                <Hash value={e.prevHash} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
