/**
 * Uploads from the UI end to end: a real `fringe serve` on the simulator,
 * Debian's Chromium, and two real loopback HTTP servers: one that takes a
 * PUT slowly (so the progress bar has time to move), one that answers 500.
 * Screenshots go to test-output/uploads-*.png.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { skipUnless, tools } from '../helpers/tools.ts';
import { e2eSetup, e2eTest, e2eWait, openSession, shots, type Served } from './harness.ts';

const skip = skipUnless(tools.command('chromium'));

/** Bytes per second the slow server reads: the ~15 MiB FITS file below takes about 7 s. */
const slowRate = 2 * 1024 * 1024;
const token = 'e2e-upload-Tk93-secret';

interface Received {
  method: string;
  url: string;
  auth: string | undefined;
  data: Buffer;
}

/** A loopback HTTP server: reads each body at `rate` bytes/s (0: at once), then answers `status`. */
async function uploadServer(rate: number, status: number): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) {
        chunks.push(c as Buffer);
        // Not reading on for a while: the client's writes back up, as over a slow link.
        if (rate) await new Promise((r) => setTimeout(r, ((c as Buffer).length / rate) * 1000));
      }
      received.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, data: Buffer.concat(chunks) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'stored' : 'the disk is on fire');
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** One call over the station's WebSocket API. */
function call(apiUrl: string, method: string, params: unknown = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(apiUrl);
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params })));
    ws.on('message', (data, binary) => {
      if (binary) return;
      const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      if (msg.id !== 1) return;
      ws.close();
      if (msg.error) reject(new Error(msg.error.message));
      else resolve(msg.result);
    });
  });
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(skip)('uploads from the Observations page', { timeout: e2eTest }, () => {
  let station: Served;
  let browser: Browser;
  let page: Page;
  let consoleErrors: string[] = [];
  let slow: Awaited<ReturnType<typeof uploadServer>>;
  let broken: Awaited<ReturnType<typeof uploadServer>>;
  let api: string;

  beforeAll(async () => {
    [{ server: station, browser, page, consoleErrors }, slow, broken] = await Promise.all([
      openSession({ width: 1440, height: 1100 }),
      uploadServer(slowRate, 201),
      uploadServer(0, 500),
    ]);
    api = `ws://127.0.0.1:${station.port}/api`;
  }, e2eSetup);

  afterAll(async () => {
    await browser?.close();
    await station?.stop();
    for (const s of [slow, broken]) {
      s?.server.closeAllConnections();
      await new Promise((r) => s?.server.close(r));
    }
  });

  it('records 3 s of the simulator at 65536 channels', async () => {
    // The bytes an upload has sent are those the system took: loopback sockets here take about 4 MiB
    // before the server reads any (tcp_wmem's 4 MiB ceiling). 65536 channels at 0.05 s (2 spectra,
    // 54.6 ms per integration) make a FITS file of ~15 MiB in 3 s, so most of the bar follows the server.
    // No page is open yet: nothing has to draw these spectra.
    await call(api, 'live.start', { source: 'sim', channels: 65536, integration: 0.05, backend: 'cpu' });
    const { id } = (await call(api, 'record.start', { target: 'Sun, uploads e2e' })) as { id: number };
    expect(id).toBe(1);
    // 3 s of samples: 55 integrations of 54.6 ms, counted by the station (later on a loaded machine).
    await vi.waitUntil(async () => ((await call(api, 'station.status')) as { recording: { integrations: number } | null }).recording!.integrations >= 55, { timeout: e2eWait, interval: 200 });
    await call(api, 'record.stop');
    // Back to the usual live view for the page.
    await call(api, 'live.start', { source: 'sim', channels: 1024, integration: 0.25, backend: 'cpu' });
  });

  it('adds an HTTP target through the form; the token is never shown', async () => {
    await page.goto(`${station.base}#/observations`);
    await page.getByTestId('targets-panel').waitFor();
    await page.getByTestId('target-name').fill('archive');
    await page.getByTestId('target-url').fill(`${slow.url}/incoming/`);
    await page.getByTestId('target-method').selectOption('PUT');
    await page.getByTestId('target-token').fill(token);
    await page.getByTestId('target-add').click();
    await page.getByTestId('target-row-archive').waitFor();
    expect(await page.getByTestId('target-row-archive').textContent()).toMatch(new RegExp(`HTTP PUT.*${slow.url}/incoming/.*token set`));
    // The form forgot it, and the page holds it nowhere.
    expect(await page.getByTestId('target-token').inputValue()).toBe('');
    expect(await page.content()).not.toContain('Tk93');

    await page.getByTestId('target-name').fill('flaky');
    await page.getByTestId('target-url').fill(`${broken.url}/in/`);
    await page.getByTestId('target-add').click();
    await page.getByTestId('target-row-flaky').waitFor();

    // A bad URL is refused by the station, in words, and nothing is added.
    await page.getByTestId('target-name').fill('bad');
    await page.getByTestId('target-url').fill('ftp://nowhere/x');
    await page.getByTestId('target-add').click();
    expect(await page.getByTestId('target-problem').textContent()).toMatch(/Could not add bad: .*http:\/\/ or https:\/\//);
    expect(await page.getByTestId('target-row-bad').count()).toBe(0);
    // Editing the form clears the complaint.
    await page.getByTestId('target-name').fill('');
    await page.getByTestId('target-url').fill('');
    expect(await page.getByTestId('target-problem').count()).toBe(0);

    // An FTP target: user and password fields instead of method and token; the password is kept, never shown.
    await page.getByTestId('target-kind-ftp').click();
    expect(await page.getByTestId('target-token').count()).toBe(0);
    await page.getByTestId('target-name').fill('callisto-ftp');
    await page.getByTestId('target-url').fill('ftp://127.0.0.1:2121/incoming');
    await page.getByTestId('target-user').fill('station7');
    await page.getByTestId('target-password').fill('pw-Fq55-secret');
    await page.screenshot({ path: join(shots, 'uploads-target-ftp.png') });
    await page.getByTestId('target-add').click();
    await page.getByTestId('target-row-callisto-ftp').waitFor();
    expect(await page.getByTestId('target-row-callisto-ftp').textContent()).toMatch(/FTP.*ftp:\/\/127\.0\.0\.1:2121\/incoming.*station7, password set/);
    expect(await page.content()).not.toContain('Fq55');
    const targetsFile = readFileSync(join(station.dir, 'targets.json'), 'utf8');
    expect(targetsFile).toContain('pw-Fq55-secret');
    expect(targetsFile).toContain(token);
    await page.getByTestId('target-remove-callisto-ftp').click();
    await page.getByTestId('target-remove-confirm-callisto-ftp').click();
    await page.getByTestId('target-row-callisto-ftp').waitFor({ state: 'detached' });
    await page.getByTestId('target-kind-http').click();
    await page.screenshot({ path: join(shots, 'uploads-targets.png'), fullPage: true });
  });

  it('uploads the observation as FITS with visible progress; the server gets exactly the export', async () => {
    await page.getByTestId('obs-row-1').click();
    await page.getByTestId('upload-panel').waitFor();
    await page.getByTestId('obs-spectrum').locator('.main-svg').first().waitFor();
    // A spectrum observation of one input and 65536 channels: e-CALLISTO bins them into 128 (issue 17), UVFITS needs two inputs.
    const formats = await page.getByTestId('upload-format').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(formats).toEqual(['fits', 'callisto', 'csv', 'spd']);
    await page.getByTestId('upload-target').selectOption('archive');
    await page.getByTestId('upload-format').selectOption('fits');
    const t0 = Date.now();
    await page.getByTestId('upload-start').click();
    const job = page.locator('[data-testid^=upload-job-]').first();
    await job.waitFor();
    // uploads.start answers once the export is written: how long the station spent exporting.
    const exportSeconds = (Date.now() - t0) / 1000;

    // Watch the bar: record every percentage shown until done.
    const seen: number[] = [];
    let shot = false;
    for (;;) {
      const state = await job.getAttribute('data-state');
      const pct = Number(await job.getByTestId('upload-progress').getAttribute('aria-valuenow'));
      if (seen.at(-1) !== pct) seen.push(pct);
      if (!shot && state === 'running' && pct >= 30 && pct <= 80) {
        await page.screenshot({ path: join(shots, 'uploads-progress.png') });
        shot = true;
      }
      if (state === 'done' || state === 'failed') break;
      // The next change of the bar or the state (each shown step is seen: the page redraws at most once per 'upload' event).
      await page
        .waitForFunction(
          ([s, p]) => {
            const el = document.querySelector('[data-testid^=upload-job-]');
            return el?.getAttribute('data-state') !== s || Number(el?.querySelector('[data-testid=upload-progress]')?.getAttribute('aria-valuenow')) !== p;
          },
          [state, pct] as const,
          { polling: 'raf' },
        )
        .catch(() => {
          throw new Error(`no end to the upload; percentages seen: ${seen.join(', ')}`);
        });
    }
    const seconds = (Date.now() - t0) / 1000;
    expect(await job.getAttribute('data-state')).toBe('done');
    const between = seen.filter((p) => p > 0 && p < 100);
    console.log(`upload: ${seconds.toFixed(1)} s; percentages shown: ${seen.join(', ')}`);
    // Progress was visible: several steps between 0 and 100, rising.
    expect(between.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1]!)).toBe(true);
    expect(shot).toBe(true);

    const exportedName = readdirSync(join(station.dir, 'exports')).find((f) => /^fringe-1-\d{8}T\d{6}Z\.fits$/.test(f))!;
    const local = readFileSync(join(station.dir, 'exports', exportedName));
    expect(slow.received).toHaveLength(1);
    const got = slow.received[0]!;
    expect(`${got.method} ${got.url}`).toBe(`PUT /incoming/${exportedName}`);
    expect(got.auth).toBe(`Bearer ${token}`);
    expect(got.data.length).toBe(local.length);
    expect(sha256(got.data)).toBe(sha256(local));
    expect(got.data.subarray(0, 9).toString('latin1')).toBe('SIMPLE  =');
    // The server alone needs size/rate seconds.
    expect(local.length).toBeGreaterThan(8 * 1024 ** 2);
    expect(seconds).toBeGreaterThan(local.length / slowRate - 1);
    console.log(`FITS: ${local.length} bytes, exported and queued in ${exportSeconds.toFixed(2)} s`);

    const text = await job.textContent();
    const size = (local.length / 1024 ** 2).toFixed(2);
    expect(text).toContain(`${size} MiB of ${size} MiB · 100 %`);
    expect(text).toMatch(/done/);
    expect(text).toMatch(/attempt 1 of 8/);
    expect(await job.getByTestId('upload-error').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'uploads-done.png') });
  });

  it('a target answering 500 shows the error in plain words and retries; removing it fails the job', async () => {
    await page.getByTestId('upload-target').selectOption('flaky');
    await page.getByTestId('upload-format').selectOption('csv');
    await page.getByTestId('upload-start').click();
    const job = page.locator('[data-testid^=upload-job-]').first();
    await job.getByTestId('upload-error').waitFor();
    expect(await job.getByTestId('upload-error').textContent()).toMatch(/The server failed while storing the file \(HTTP 500\).*server answered 500: the disk is on fire/);
    expect(await job.getAttribute('data-state')).toBe('queued');
    // The first retry waits the queue's 5 s backoff.
    expect(await job.getByTestId('upload-attempts').textContent()).toMatch(/attempt 1 of 8 · next try in [0-5] s/);
    expect(await job.textContent()).toMatch(/fringe-1-\d{8}T\d{6}Z\.csv.*flaky.*CSV total power.*waiting/);
    expect(broken.received).toHaveLength(1);
    expect(broken.received[0]!.url).toMatch(/^\/in\/fringe-1-\d{8}T\d{6}Z\.csv$/);
    await page.screenshot({ path: join(shots, 'uploads-error.png') });

    // The target goes: the job's next attempt finds it gone and fails for good, with a Retry button.
    await page.getByTestId('target-remove-flaky').click();
    await page.getByTestId('target-remove-confirm-flaky').click();
    await page.getByTestId('target-row-flaky').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('[data-testid^=upload-job-]')?.getAttribute('data-state') === 'failed');
    expect(await job.getByTestId('upload-error').textContent()).toMatch(/^That target was removed\.\s*$/);
    await job.getByTestId('upload-retry').waitFor();
    // The FITS upload above is still listed, done.
    expect(await page.locator('[data-testid^=upload-job-][data-state=done]').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'uploads-failed.png'), fullPage: true });
    expect(station.stderr()).not.toContain('Tk93');
    expect(consoleErrors).toEqual([]);
  });
});
