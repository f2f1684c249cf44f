// The transcript during a long (soak) run (review row 10): memory keeps a bounded window, the file
// keeps everything, and a per-case slice still works across the trimming.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Transcript } from '../src/report/transcript';

describe('transcript', () => {
  it('keeps a bounded window in memory and every entry in the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paltls-transcript-'));
    const file = path.join(dir, 'transcript.log');
    try {
      const t = new Transcript(file, { keep: 100 });
      for (let i = 0; i < 10000; i++) t.add('rx', `NetReq seq=${i}`);
      assert.ok(t.entries.length <= 150, `${t.entries.length} entries in memory`);
      assert.equal(t.entries[t.entries.length - 1]!.text, 'NetReq seq=9999');
      assert.equal(t.mark(), 10000);
      await t.close();
      const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      assert.equal(lines.length, 10000);
      assert.match(lines[0]!, /NetReq seq=0$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('slices a case by its marks, and says what was trimmed from a long case', () => {
    const t = new Transcript(undefined, { keep: 10 });
    for (let i = 0; i < 5; i++) t.add('note', `before ${i}`);
    const short = t.mark();
    t.note('case a start');
    t.note('case a end');
    assert.deepEqual(
      t.slice(short).map((e) => e.text),
      ['case a start', 'case a end'],
    );
    const long = t.mark();
    for (let i = 0; i < 100; i++) t.add('rx', `frame ${i}`);
    const s = t.slice(long);
    assert.match(s[0]!.text, /^\(\d+ earlier entries not kept in memory; no transcript file was written\)$/);
    const lost = Number(/^\((\d+)/.exec(s[0]!.text)![1]);
    assert.equal(lost + s.length - 1, 100);
    assert.equal(s[s.length - 1]!.text, 'frame 99');
  });
});
