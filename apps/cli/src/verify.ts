import { AllStreamsVerifier, MerkleLog } from '@app/audit';
import { START, withSchemaLock } from '@app/event-store';
import { openStore } from './open-store';

/**
 * `npm run cli -- verify`: recomputes every stream's hash chain from the global log (content, order, links),
 * checks each stream against its head in the Merkle log (a truncated tail or rewritten history shows), and
 * recomputes the Merkle log itself (leaves, subtrees, checkpoint roots). Prints a summary; exit 1 when broken.
 */
export async function verifyAll(_args: string[]): Promise<number> {
  const { handles } = await openStore();
  try {
    const log = new MerkleLog(handles.db);
    await withSchemaLock(handles.db, (tx) => log.migrate(tx));
    const heads = await log.streamHeads();
    const verifier = new AllStreamsVerifier({ expectedHeads: heads });
    for (let after = START; ; ) {
      const page = await handles.store.readAll({ after, maxCount: 5000 });
      verifier.push(page.events);
      after = page.lastPosition;
      if (page.isEnd || page.events.length === 0) break;
    }
    const chains = verifier.finish();
    const merkle = await log.verifyLog();
    process.stdout.write(`streams: ${chains.streams}, events: ${chains.events}, hash chains: ${chains.valid ? 'valid' : 'BROKEN'}\n`);
    for (const b of chains.brokenStreams) process.stdout.write(`  ${b.stream}: broken at revision ${b.brokenAt} (${b.reason})${b.detail ? `: ${b.detail}` : ''}\n`);
    process.stdout.write(`merkle log: ${merkle.size} leaves, ${merkle.checkedCheckpoints} checkpoints: ${merkle.valid ? 'valid' : 'BROKEN'}\n`);
    for (const p of merkle.problems) process.stdout.write(`  ${JSON.stringify(p)}\n`);
    return chains.valid && merkle.valid ? 0 : 1;
  } finally {
    await handles.close();
  }
}
