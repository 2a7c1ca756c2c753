/**
 * report.pdf: the HTML printed by headless Chromium through playwright-core
 * (A4, backgrounds, page numbers in the footer). Chromium: $FRINGE_CHROMIUM,
 * else /usr/bin/chromium (Debian's package, scripts/install-system-deps.sh).
 */
import { existsSync } from 'node:fs';

export class PdfError extends Error {
  override name = 'PdfError';
}

export function chromiumPath(): string | null {
  const p = process.env.FRINGE_CHROMIUM ?? '/usr/bin/chromium';
  return existsSync(p) ? p : null;
}

export async function htmlToPdf(html: string, title: string): Promise<Buffer> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new PdfError('no Chromium to print the PDF with: install Debian\'s chromium (scripts/install-system-deps.sh) or set FRINGE_CHROMIUM to its path; report.json and report.html are written');
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (err) {
    throw new PdfError('playwright-core is not installed (npm ci): it prints the PDF; report.json and report.html are written', { cause: err });
  }
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:8px;width:100%;padding:0 14mm;display:flex;justify-content:space-between;font-family:sans-serif"><span>${title.replace(/[<>&]/g, '')}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
